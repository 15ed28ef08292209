/* vc_cdm.c - CTXCDM message sizes and small decoders (vc_cdm.h, vc.md §4).
 * Epan-free.
 *
 * Fixed sizes are cdmwire's packed structures (its sizeof_ constants where it
 * has one).  Tails: the path name (PathNameSize) after CREATE, OPEN,
 * FINDFIRST, GETATTR, SETATTR, DELETE, CREATEDIR, DELETEDIR, VOLUMEINFO,
 * FINDFIRSTINDEX; old and new path after RENAME; WriteSize data bytes after
 * WRITE; ReturnSize data bytes after READ_REPLY and READCOND_REPLY;
 * BytesReturned bytes of FINDSTRUCTs after FINDFIRST/FINDNEXT_REPLY (cdmserv
 * sends the 9-byte header, then TotalRead bytes, with BytesReturned =
 * TotalRead).  FILELOCK_REPLY: cdmwire's sizeof_ says 16 but its structure
 * packs to 6; 6 is taken (vc.md §4.2 [I]).  VOLUMEINFO_REPLY comes in three
 * sizes chosen by the negotiated version, so it runs to the end of its write.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "vc_cdm.h"
#include "le_bytes.h"

static const vc_cdm_layout requests[] = {
    [CDM_CREATE] = { 14, { 2, 0 } },        [CDM_OPEN] = { 6, { 2, 0 } },
    [CDM_CLOSE] = { 4, { 0, 0 } },          [CDM_READ] = { 10, { 0, 0 } },
    [CDM_WRITE] = { 10, { 8, 0 } },         [CDM_FINDFIRST] = { 7, { 2, 0 } },
    [CDM_FINDNEXT] = { 7, { 0, 0 } },       [CDM_FINDCLOSE] = { 4, { 0, 0 } },
    [CDM_GETATTR] = { 4, { 2, 0 } },        [CDM_SETATTR] = { 6, { 2, 0 } },
    [CDM_GETDATETIME] = { 4, { 0, 0 } },    [CDM_SETDATETIME] = { 8, { 0, 0 } },
    [CDM_DELETE] = { 4, { 2, 0 } },         [CDM_RENAME] = { 6, { 2, 4 } },
    [CDM_CREATEDIR] = { 12, { 2, 0 } },     [CDM_DELETEDIR] = { 4, { 2, 0 } },
    [CDM_NOTIFYCACHE_REQUEST] = { 0, { 0, 0 } },
    [CDM_READCOND] = { 18, { 0, 0 } },      [CDM_FILELOCK] = { 13, { 0, 0 } },
    [CDM_FILEUNLOCK] = { 12, { 0, 0 } },    [CDM_FILECHANGESIZE] = { 8, { 0, 0 } },
    [CDM_SEEK] = { 9, { 0, 0 } },           [CDM_VOLUMEINFO] = { 6, { 2, 0 } },
    [CDM_CONNECT] = { CDM_CONNECT_SIZE, { 0, 0 } },
    [CDM_FINDFIRSTINDEX] = { 9, { 2, 0 } },
};

static const vc_cdm_layout replies[] = {
    [CDM_CREATE] = { 6, { 0, 0 } },         [CDM_OPEN] = { 6, { 0, 0 } },
    [CDM_CLOSE] = { 0, { 0, 0 } },          [CDM_READ] = { 12, { 8, 0 } },
    [CDM_WRITE] = { 8, { 0, 0 } },          [CDM_FINDFIRST] = { 9, { 4, 0 } },
    [CDM_FINDNEXT] = { 9, { 4, 0 } },       [CDM_FINDCLOSE] = { 0, { 0, 0 } },
    [CDM_GETATTR] = { 14, { 0, 0 } },       [CDM_SETATTR] = { 4, { 0, 0 } },
    [CDM_GETDATETIME] = { 10, { 0, 0 } },   [CDM_SETDATETIME] = { 6, { 0, 0 } },
    [CDM_DELETE] = { 4, { 0, 0 } },         [CDM_RENAME] = { 4, { 0, 0 } },
    [CDM_CREATEDIR] = { 4, { 0, 0 } },      [CDM_DELETEDIR] = { 4, { 0, 0 } },
    [CDM_NOTIFYCACHE_REQUEST] = { 6, { 0, 0 } },     /* NOTIFYCACHE, sent by the file server */
    [CDM_READCOND] = { 14, { 8, 0 } },      [CDM_FILELOCK] = { 6, { 0, 0 } },
    [CDM_FILEUNLOCK] = { 6, { 0, 0 } },     [CDM_FILECHANGESIZE] = { 6, { 0, 0 } },
    [CDM_SEEK] = { 10, { 0, 0 } },          [CDM_VOLUMEINFO] = { 0, { 0, 0 } },
    [CDM_CONNECT] = { CDM_CONNECT_REPLY_SIZE, { 0, 0 } },
    [CDM_FINDFIRSTINDEX] = { 0, { 0, 0 } },          /* reserved number */
};

#define N_TYPES (sizeof requests / sizeof requests[0])

const vc_cdm_layout *vc_cdm_layout_of(uint8_t h_type)
{
    const vc_cdm_layout *l = NULL;
    if (h_type < N_TYPES)
        l = &requests[h_type];
    else if (h_type >= CDM_REPLY && h_type - CDM_REPLY < (int)N_TYPES)
        l = &replies[h_type - CDM_REPLY];
    return l && l->fixed ? l : NULL;
}

enum vc_cut vc_cdm_size(const uint8_t *buf, size_t avail, uint32_t *total)
{
    *total = 0;
    if (avail < 1)
        return VC_CUT_NEED_HEADER;
    const vc_cdm_layout *l = vc_cdm_layout_of(buf[0]);
    if (!l)
        return VC_CUT_REST;
    if (avail < l->fixed)
        return VC_CUT_NEED_HEADER;
    uint32_t size = l->fixed;
    for (int i = 0; i < 2; i++)
        if (l->size_off[i])
            size += le16(buf + l->size_off[i]);
    *total = size;
    return VC_CUT_OK;
}

int vc_cdm_volumeinfo_version(const uint8_t *buf, size_t len)
{
    if (len == 20)
        return 1;
    if (len == 24)
        return 2;
    if (len >= 28 && len == 28u + le16(buf + 24))
        return 3;
    return 0;
}

/* date: yyyyyyy mmmm ddddd (years since 1980) */
void vc_cdm_dos_date(uint16_t date, vc_cdm_datetime *dt)
{
    dt->year = 1980u + (date >> 9);
    dt->month = (date >> 5) & 0x0F;
    dt->day = date & 0x1F;
}

/* time: hhhhh mmmmmm xxxxx (two-second steps) */
void vc_cdm_dos_time(uint16_t time, vc_cdm_datetime *dt)
{
    dt->hour = time >> 11;
    dt->minute = (time >> 5) & 0x3F;
    dt->second = 2u * (time & 0x1F);
}

int vc_cdm_datetime_valid(const vc_cdm_datetime *dt)
{
    return dt->month >= 1 && dt->month <= 12 && dt->day >= 1 && dt->day <= 31 && dt->hour < 24 &&
           dt->minute < 60 && dt->second < 60;
}

unsigned vc_cdm_find_fit(const uint8_t *p, size_t n, unsigned count, int long_names, size_t *used)
{
    size_t off = 0, entry = long_names ? CDM_FINDSTRUCT_LONG : CDM_FINDSTRUCT;
    unsigned i;
    for (i = 0; i < count; i++) {
        if (n - off < entry)
            break;
        size_t names = p[off + 10] + (long_names ? p[off + 11] : 0);
        if (n - off - entry < names)
            break;
        off += entry + names;
    }
    *used = off;
    return i;
}
