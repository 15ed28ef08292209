/* vc_cdm.h - CTXCDM (client drive mapping, protocol v1-v4) message layouts
 * (shared notes vc.md §4).  Epan-free.
 *
 * Source: the RISC OS ICA client's cdmwire header ("Wire Protocol Header for
 * CITRIX Client Drive Mapping Redirector", 1994; barryc-ro/RiscOS_2003,
 * RiscOS/Sources/Apps/Citrix/ICAClient/src/sdk/citrix/h/cdmwire) and its
 * file server dll/vd/vdcdm/c/cdmserv.  The host is the file client (requests
 * 0-63, host to client), the ICA client the file server (replies 128-191).
 * Every message starts u8 h_type, u8 MpxId; the structures are packed and
 * little-endian.  There is no length field: a message's size is its fixed
 * structure plus the tails its own size fields announce (path names, data,
 * FINDSTRUCT entries).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef CITRIX_VC_CDM_H
#define CITRIX_VC_CDM_H
#include <stddef.h>
#include <stdint.h>
#include "vc_cut.h"

enum {
    CDM_CREATE = 0, CDM_OPEN, CDM_CLOSE, CDM_READ, CDM_WRITE, CDM_FINDFIRST, CDM_FINDNEXT, CDM_FINDCLOSE,
    CDM_GETATTR, CDM_SETATTR, CDM_GETDATETIME, CDM_SETDATETIME, CDM_DELETE, CDM_RENAME, CDM_CREATEDIR,
    CDM_DELETEDIR, CDM_NOTIFYCACHE_REQUEST, CDM_READCOND, CDM_FILELOCK, CDM_FILEUNLOCK, CDM_FILECHANGESIZE,
    CDM_SEEK, CDM_VOLUMEINFO, CDM_CONNECT, CDM_FINDFIRSTINDEX
};
#define CDM_REPLY 128               /* a request's reply: its type + 128 */
/* FINDFIRSTINDEX is answered with FINDFIRST_REPLY (133); 152 stays reserved */

#define CDM_HDR 2                   /* u8 h_type, u8 MpxId */
#define CDM_MAX_PATH_LEN 255        /* cdmwire CDM_MAX_PATH_LEN */
#define CDM_FINDSTRUCT 11           /* WriteTime, WriteDate, FileSize, Attributes, NameSize */
#define CDM_FINDSTRUCT_LONG 12      /* ... and LongNameSize (CDM_VERSION4 clients) */
#define CDM_CONNECT_SIZE 18         /* the packed CDM_CONNECT_REQUEST */
#define CDM_CONNECT_REPLY_SIZE 10
#define CDM_MAX_MESSAGE (6u + 2u * 0xFFFFu)   /* RENAME with two 64 KiB path names */

/* Status word (Result): error class in the low byte, DOS error in the high byte */
#define CDM_ERROR_CLASS(st) ((st) & 0xFF)
#define CDM_DOS_ERROR(st) (((st) >> 8) & 0xFF)

/* Where a message's variable tail comes from: fixed bytes, then the sum of
 * the u16 size fields at size_off[] (0: none). */
typedef struct {
    uint8_t fixed;
    uint8_t size_off[2];
} vc_cdm_layout;

/* The layout of h_type, or NULL when no public layout gives its size
 * (reserved numbers, unknown types, VOLUMEINFO_REPLY whose variant depends
 * on the negotiated version). */
const vc_cdm_layout *vc_cdm_layout_of(uint8_t h_type);

/* The size of the message at buf (vc_cut.h conventions): VC_CUT_NEED_HEADER
 * until its fixed part is there, VC_CUT_REST when vc_cdm_layout_of() has
 * none (the message runs to the end of its write). */
enum vc_cut vc_cdm_size(const uint8_t *buf, size_t avail, uint32_t *total);

/* VOLUMEINFO_REPLY variants by size: 1 (20 bytes), 2 (24), 3 (28 + label);
 * 0 when the size fits none. */
int vc_cdm_volumeinfo_version(const uint8_t *buf, size_t len);

/* DOS date and time words (cdmwire's bit layouts) */
typedef struct {
    unsigned year, month, day, hour, minute, second;
} vc_cdm_datetime;
void vc_cdm_dos_date(uint16_t date, vc_cdm_datetime *dt);
void vc_cdm_dos_time(uint16_t time, vc_cdm_datetime *dt);
/* A plausible date/time (month 1-12, day 1-31, hour < 24, minute < 60, second < 60) */
int vc_cdm_datetime_valid(const vc_cdm_datetime *dt);

/* FINDSTRUCT entries in n bytes of find data: how many of count fit whole
 * (entry size 11 or 12, long_names), and through *used the bytes they take. */
unsigned vc_cdm_find_fit(const uint8_t *p, size_t n, unsigned count, int long_names, size_t *used);

#endif
