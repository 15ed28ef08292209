/* vc_dev.c - the device channels' layouts without Wireshark (vc_dev.h,
 * vc.md §10).  Epan-free.
 *
 * CTXCAM (vdcam; HTML5 AudioEngine): no length field, u8 iCommand first.
 *   host: INIT 3, OPEN 10 (u8 DeviceID, u16 iFormat, u16 wSubFormat, u8
 *   Extra[4]), CLOSE 2, WRITE 8 + data (u8 DeviceID, u16 oData, u16 cbData,
 *   u8 reserved[2]; the data at oData, from the message start, or right
 *   after the header when oData is below 8, as the HTML5 client reads it),
 *   RESET_ACK 2, REQUEST_CAPINFO 6 + FORMAT_IDs (u8 DeviceID, u16 oFormatIDs,
 *   u16 nFormatIDs); v2: READ_REQUEST 6 (u8 DeviceID, u16 pktSize, u16
 *   pktCount), START/STOP/RESET_RECORD 2 (the HTML5 client reads the device
 *   only), SET_CONTROL 8 (u8 DeviceID, u8 control, u8 pad, u32 value).
 *   client: RESOURCE_ACK 5 (u16 iResource, u16 nReleased), RESET 3 (u8
 *   DeviceID, u8 iReason), CAPABILITY_INFO as REQUEST_CAPINFO.  READ_RESPONSE,
 *   OPEN_RESPONSE, CONTROL_UPDATE: ids only, no body layout (to the end of
 *   the write).
 *   Sub-formats: PCM and Citrix ADPCM bits 0-1 rate (8000, 11025, 22050,
 *   44100), bit 4 stereo, bit 8 depth (PCM 16-bit, ADPCM 0 = 2-bit); Vorbis
 *   quality in bits 0-3, channels in bits 4-7 (0x10 mono, 0x20 stereo), rate
 *   not given (the HTML5 client plays 44100 Hz); Speex quality bits 0-3,
 *   channels bits 4-7, band bits 8-11 (0 narrow 8 kHz, 1 wide 16 kHz, 2
 *   ultra-wide 32 kHz).  Citrix ADPCM EX: no sub-format layout.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdio.h>
#include <string.h>
#include "vc_dev.h"
#include "le_bytes.h"

static enum vc_cut fixed(uint32_t size, size_t avail, uint32_t *total)
{
    (void)avail;
    *total = size;
    return VC_CUT_OK;
}

/* The text length after appending w more characters to o (snprintf's
 * result: the text is cut at n - 1). */
static size_t text_add(size_t n, size_t o, int w)
{
    if (w < 0)
        return o;
    return (size_t)w >= n - o ? n - 1 : o + (size_t)w;
}

/* ---- CTXCAM ---------------------------------------------------------------- */

static const uint32_t pcm_rates[4] = { 8000, 11025, 22050, 44100 };

int vc_cam_format(uint16_t iformat, uint16_t sub, cam_format *f)
{
    memset(f, 0, sizeof *f);
    switch (iformat) {
    case CAM_FORMAT_NONE:
        f->codec = "none";
        f->unknown_bits = sub;
        return 1;
    case CAM_FORMAT_LINEAR_PCM:
    case CAM_FORMAT_CTX_ADPCM:
        f->codec = iformat == CAM_FORMAT_LINEAR_PCM ? "Linear PCM" : "Citrix ADPCM";
        f->rate_hz = pcm_rates[sub & 0x0003];
        f->channels = (sub & 0x0010) ? 2 : 1;
        if (iformat == CAM_FORMAT_LINEAR_PCM)
            f->bits = (sub & 0x0100) ? 16 : 8;
        else if (!(sub & 0x0100))
            f->bits = 2;                /* SUBFMT_CTX_ADPCM_2BIT; the other value is not defined */
        f->unknown_bits = sub & (uint16_t)~(iformat == CAM_FORMAT_LINEAR_PCM ? 0x0113 : 0x0013);
        return 1;
    case CAM_FORMAT_CTX_ADPCM_EX:
        f->codec = "Citrix ADPCM EX";
        f->unknown_bits = sub;          /* no public sub-format layout */
        return 1;
    case CAM_FORMAT_CTX_VORBIS:
        f->codec = "Vorbis";
        f->quality = sub & 0x000F;
        f->has_quality = 1;
        f->channels = (sub & 0x00F0) == 0x0010 ? 1 : (sub & 0x00F0) == 0x0020 ? 2 : 0;
        f->rate_hz = 44100;
        f->rate_assumed = 1;
        f->unknown_bits = sub & 0xFF00;
        if (!f->channels)
            f->unknown_bits |= sub & 0x00F0;
        return 1;
    case CAM_FORMAT_CTX_SPEEX: {
        static const uint32_t bands[3] = { 8000, 16000, 32000 };
        uint16_t band = (sub & 0x0F00) >> 8;
        f->codec = "Speex";
        f->quality = sub & 0x000F;
        f->has_quality = 1;
        f->channels = (sub & 0x00F0) == 0x0010 ? 1 : (sub & 0x00F0) == 0x0020 ? 2 : 0;
        f->rate_hz = band < 3 ? bands[band] : 0;
        f->unknown_bits = sub & 0xF000;
        if (!f->channels)
            f->unknown_bits |= sub & 0x00F0;
        if (band >= 3)
            f->unknown_bits |= sub & 0x0F00;
        return 1;
    }
    default:
        return 0;
    }
}

size_t vc_cam_format_text(const cam_format *f, char *buf, size_t n)
{
    size_t o = 0;
    if (!n)
        return 0;
    buf[0] = 0;
#define APPEND(...) (o = text_add(n, o, snprintf(buf + o, n - o, __VA_ARGS__)))
    APPEND("%s", f->codec ? f->codec : "unknown format");
    if (f->rate_hz)
        APPEND(f->rate_assumed ? " (%u Hz)" : " %u Hz", (unsigned)f->rate_hz);
    if (f->channels)
        APPEND(" %s", f->channels == 1 ? "mono" : "stereo");
    if (f->bits)
        APPEND(" %u-bit", (unsigned)f->bits);
    if (f->has_quality)
        APPEND(" Q%u", (unsigned)f->quality);
#undef APPEND
    return o;
}

/* header then count 4-byte FORMAT_IDs at max(offset, header) */
static enum vc_cut format_list(const uint8_t *buf, size_t avail, uint32_t *total)
{
    if (avail < CAM_CAPS_HDR)
        return VC_CUT_NEED_HEADER;
    uint32_t off = le16(buf + 2), n = le16(buf + 4);
    *total = (off > CAM_CAPS_HDR ? off : CAM_CAPS_HDR) + n * CAM_FORMAT_ID;
    return VC_CUT_OK;
}

enum vc_cut vc_cam_size(const uint8_t *buf, size_t avail, uint32_t *total)
{
    *total = 0;
    if (avail < 1)
        return VC_CUT_NEED_HEADER;
    switch (buf[0]) {
    case CAM_INIT:
    case CAM_RESET:
        return fixed(3, avail, total);
    case CAM_OPEN:
        return fixed(10, avail, total);
    case CAM_CLOSE:
    case CAM_RESET_ACK:
    case CAM_START_RECORD:
    case CAM_STOP_RECORD:
    case CAM_RESET_RECORD:
        return fixed(2, avail, total);
    case CAM_READ_REQUEST:
        return fixed(6, avail, total);
    case CAM_SET_CONTROL:
        return fixed(8, avail, total);
    case CAM_RESOURCE_ACK:
        return fixed(5, avail, total);
    case CAM_WRITE: {
        if (avail < 6)
            return VC_CUT_NEED_HEADER;
        uint32_t off = le16(buf + 2), cb = le16(buf + 4);
        *total = (off > CAM_WRITE_HDR ? off : CAM_WRITE_HDR) + cb;
        return VC_CUT_OK;
    }
    case CAM_REQUEST_CAPINFO:
    case CAM_CAPABILITY_INFO:
        return format_list(buf, avail, total);
    default:
        return VC_CUT_REST;
    }
}
