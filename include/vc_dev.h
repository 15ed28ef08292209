/* vc_dev.h - the device channels' layouts that need no Wireshark: CTXCAM
 * message sizes and audio format ids (shared notes vc.md §10).  Epan-free;
 * the decoders in plugin/vc/ render what these find.
 *
 * Sources: CTXCAM the RISC OS ICA client's vdcam header ("Client Audio
 * Mapping on-the-wire protocol definitions", 1997) and the Citrix Receiver
 * for HTML5's AudioEngine (search-index file 8953037024) and audio format
 * constants (9470909844).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef CITRIX_VC_DEV_H
#define CITRIX_VC_DEV_H
#include <stddef.h>
#include <stdint.h>
#include "vc_cut.h"

/* ---- CTXCAM: client audio mapping ---------------------------------------- */

enum {
    CAM_INIT = 0x00, CAM_OPEN = 0x01, CAM_CLOSE = 0x02, CAM_WRITE = 0x03, CAM_RESET_ACK = 0x04,
    CAM_REQUEST_CAPINFO = 0x05,
    /* protocol version 2 (the HTML5 client) */
    CAM_READ_REQUEST = 0x06, CAM_START_RECORD = 0x07, CAM_STOP_RECORD = 0x08, CAM_RESET_RECORD = 0x09,
    CAM_SET_CONTROL = 0x0A,
    /* client to host */
    CAM_RESOURCE_ACK = 0x80, CAM_RESET = 0x81, CAM_CAPABILITY_INFO = 0x82,
    CAM_READ_RESPONSE = 0x83, CAM_OPEN_RESPONSE = 0x84, CAM_CONTROL_UPDATE = 0x85
};

#define CAM_WRITE_HDR 8             /* iCommand, DeviceID, oData, cbData, reserved[2] */
#define CAM_CAPS_HDR 6              /* iCommand, DeviceID, oFormatIDs, nFormatIDs */
#define CAM_FORMAT_ID 4             /* u16 iFormat, u16 wSubFormat */

enum {
    CAM_FORMAT_NONE = 0, CAM_FORMAT_LINEAR_PCM = 1, CAM_FORMAT_CTX_ADPCM = 2, CAM_FORMAT_CTX_ADPCM_EX = 3,
    CAM_FORMAT_CTX_VORBIS = 4, CAM_FORMAT_CTX_SPEEX = 5
};

/* What a FORMAT_ID (iFormat, wSubFormat) says.  0 in a field: not given. */
typedef struct {
    const char *codec;          /* "Linear PCM", ...; NULL for an unknown iFormat */
    uint32_t rate_hz;
    uint8_t rate_assumed;       /* Vorbis: not in the sub-format; the HTML5 client plays 44100 Hz */
    uint8_t channels;
    uint8_t bits;               /* sample depth (PCM, ADPCM) */
    uint8_t quality;            /* Vorbis / Speex Q0..Q10 */
    uint8_t has_quality;
    uint16_t unknown_bits;      /* sub-format bits no source defines for this format (reserved) */
} cam_format;

/* Fills f from the format id; returns 0 when iFormat is unknown (f->codec NULL). */
int vc_cam_format(uint16_t iformat, uint16_t subformat, cam_format *f);
/* "Linear PCM 44100 Hz stereo 16-bit" into buf (always terminated); returns strlen. */
size_t vc_cam_format_text(const cam_format *f, char *buf, size_t n);

/* The size of the CTXCAM message at buf (vc_cut.h conventions): fixed per
 * command, WRITE max(oData, 8) + cbData, REQUEST_CAPINFO / CAPABILITY_INFO
 * max(oFormatIDs, 6) + 4 n; VC_CUT_REST where no source gives the body. */
enum vc_cut vc_cam_size(const uint8_t *buf, size_t avail, uint32_t *total);

#endif
