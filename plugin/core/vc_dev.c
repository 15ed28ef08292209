/* vc_dev.c - the device channels' layouts without Wireshark (vc_dev.h,
 * vc.md §10, §7, §9).  Epan-free.
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
 * CTXGUSB (HTML5 UsbEngine, descriptor code): the announcement body is u16
 *   speed, u16 hub flags, u16 strings length, strings (u8 index, u16 langid,
 *   u16 byte length, UTF-16LE text without the descriptor's 2-byte header;
 *   index 0 is the language list), u16 device descriptor length, the device
 *   descriptor, u16 configuration length, the configuration descriptor
 *   with its interfaces and endpoints, as USB sends them.
 *
 * CTXCPM (cpmwire; HTML5 PrinterProcessor): no length field, u8 h_type, u8
 *   MpxId first.  Requests ENUMPRINTER 6, OPENPRINTER 4 + NameSize,
 *   CLOSEPRINTER 4, READPRINTER 6, WRITEPRINTER 6 + WriteSize, GETPRINTER 10,
 *   SETPRINTER 14 (+ InfoLen: inferred from the GETPRINTER reply, whose
 *   InfoLen counts the "extra data returned"), CONNECT2 10.  Replies
 *   ENUMPRINTER 8 + Count entries (ENUMSTRUCT 10 + name, driver, port,
 *   comment, extra), OPENPRINTER 6, CLOSEPRINTER 4, READPRINTER 6 +
 *   AmountRead, WRITEPRINTER 6, GETPRINTER 14 + InfoLen, SETPRINTER 12,
 *   ASYNC_STATUS 8.  71 and 200 are reserved (to the end of the write).
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

static uint32_t clamp32(uint64_t v)
{
    return v > UINT32_MAX ? UINT32_MAX : (uint32_t)v;
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

/* ---- CTXGUSB ----------------------------------------------------------------- */

/* A counted block at *off: u16 length, data; returns 0 when its length field is missing. */
static int take_block(const uint8_t *body, size_t len, uint32_t *off, vc_usb_block *b, int i, uint8_t *short_mask)
{
    if ((uint64_t)*off + 2 > len)
        return 0;
    b->len_off = *off;
    b->claimed = le16(body + *off);
    b->off = *off + 2;
    b->len = b->claimed;
    if ((uint64_t)b->off + b->claimed > len) {
        b->len = (uint32_t)(len - b->off);
        *short_mask |= (uint8_t)(1u << i);
    }
    *off = b->off + b->len;
    return 1;
}

int vc_usb_desc_at(const uint8_t *body, const vc_usb_block *b, uint32_t off, uint8_t *blen, uint8_t *type)
{
    uint32_t end = b->off + b->len;
    if (off >= end)
        return 0;
    if (off + 2 > end)
        return -1;
    *blen = body[off];
    *type = body[off + 1];
    if (*blen < 2 || off + *blen > end)
        return -1;
    return 1;
}

static void parse_device(const uint8_t *body, vc_usb_announce *a)
{
    const uint8_t *d = body + a->device.off;
    if (a->device.len < USB_DEVICE_DESC_LEN || d[1] != USB_DT_DEVICE)
        return;
    a->has_device = 1;
    a->bcd_usb = le16(d + 2);
    a->dev_class = d[4];
    a->dev_subclass = d[5];
    a->dev_protocol = d[6];
    a->max_packet0 = d[7];
    a->vid = le16(d + 8);
    a->pid = le16(d + 10);
    a->bcd_device = le16(d + 12);
    a->i_manufacturer = d[14];
    a->i_product = d[15];
    a->i_serial = d[16];
    a->n_configs = d[17];
}

static void parse_config(const uint8_t *body, vc_usb_announce *a)
{
    const uint8_t *c = body + a->config.off;
    if (a->config.len >= USB_CONFIG_DESC_LEN && c[1] == USB_DT_CONFIG) {
        a->has_config = 1;
        a->total_length = le16(c + 2);
        a->n_interfaces = c[4];
        a->config_value = c[5];
        a->attributes = c[7];
        a->max_power = c[8];
    }
    uint32_t off = a->config.off;
    uint8_t blen, type;
    int r;
    while ((r = vc_usb_desc_at(body, &a->config, off, &blen, &type)) == 1) {
        if (type == USB_DT_INTERFACE && blen >= USB_INTERFACE_DESC_LEN) {
            if (a->n_iface < VC_USB_MAX_IFACES) {
                vc_usb_iface *i = &a->iface[a->n_iface];
                i->number = body[off + 2];
                i->alternate = body[off + 3];
                i->n_endpoints = body[off + 4];
                i->cls = body[off + 5];
                i->subclass = body[off + 6];
                i->protocol = body[off + 7];
            }
            a->n_iface++;
        }
        off += blen;
    }
    if (r < 0)
        a->bad_descriptor = 1;
}

void vc_usb_announce_parse(const uint8_t *body, size_t len, vc_usb_announce *a)
{
    memset(a, 0, sizeof *a);
    if (len < 4)
        return;
    a->speed = le16(body);
    a->hub_flags = le16(body + 2);
    uint32_t off = 4;
    vc_usb_block *blocks[3] = { &a->strings, &a->device, &a->config };
    for (int i = 0; i < 3; i++) {
        if (!take_block(body, len, &off, blocks[i], i, &a->short_block))
            return;
        a->blocks++;
    }
    a->complete = 1;
    a->trailing = (uint32_t)(len - off);
    parse_device(body, a);
    parse_config(body, a);
    vc_usb_string s;
    while (vc_usb_string_at(body, a, a->n_strings, &s)) {
        a->n_strings++;
        if (s.len < s.claimed)
            a->bad_string = 1;
    }
}

int vc_usb_string_at(const uint8_t *body, const vc_usb_announce *a, uint32_t i, vc_usb_string *s)
{
    if (a->blocks < 1)
        return 0;
    uint32_t off = a->strings.off, end = a->strings.off + a->strings.len;
    for (uint32_t k = 0;; k++) {
        if (off + GUSB_STRING_HDR > end)
            return 0;
        uint32_t claimed = le16(body + off + 3);
        if (k == i) {
            s->index = body[off];
            s->langid = le16(body + off + 1);
            s->off = off + GUSB_STRING_HDR;
            s->claimed = claimed;
            s->len = claimed > end - s->off ? end - s->off : claimed;
            return 1;
        }
        if ((uint64_t)off + GUSB_STRING_HDR + claimed > end)
            return 0;
        off += GUSB_STRING_HDR + claimed;
    }
}

/* UTF-16LE (len bytes) to UTF-8 in buf; unpaired surrogates become U+FFFD. */
static size_t utf16_to_utf8(const uint8_t *p, uint32_t len, char *buf, size_t n)
{
    size_t o = 0;
    if (!n)
        return 0;
    for (uint32_t i = 0; i + 1 < len; i += 2) {
        uint32_t c = le16(p + i);
        if (c >= 0xD800 && c < 0xDC00 && i + 3 < len && le16(p + i + 2) >= 0xDC00 && le16(p + i + 2) < 0xE000) {
            c = 0x10000 + ((c - 0xD800) << 10) + (le16(p + i + 2) - 0xDC00);
            i += 2;
        } else if (c >= 0xD800 && c < 0xE000) {
            c = 0xFFFD;
        }
        if (c == 0)
            break;
        uint8_t u[4];
        size_t k;
        if (c < 0x80) {
            u[0] = (uint8_t)c;
            k = 1;
        } else if (c < 0x800) {
            u[0] = (uint8_t)(0xC0 | (c >> 6));
            u[1] = (uint8_t)(0x80 | (c & 0x3F));
            k = 2;
        } else if (c < 0x10000) {
            u[0] = (uint8_t)(0xE0 | (c >> 12));
            u[1] = (uint8_t)(0x80 | ((c >> 6) & 0x3F));
            u[2] = (uint8_t)(0x80 | (c & 0x3F));
            k = 3;
        } else {
            u[0] = (uint8_t)(0xF0 | (c >> 18));
            u[1] = (uint8_t)(0x80 | ((c >> 12) & 0x3F));
            u[2] = (uint8_t)(0x80 | ((c >> 6) & 0x3F));
            u[3] = (uint8_t)(0x80 | (c & 0x3F));
            k = 4;
        }
        if (o + k >= n)
            break;
        /* control characters would garble a one-line summary */
        if (k == 1 && (u[0] < 0x20 || u[0] == 0x7F))
            u[0] = '?';
        memcpy(buf + o, u, k);
        o += k;
    }
    buf[o] = 0;
    return o;
}

size_t vc_usb_string_utf8(const uint8_t *body, const vc_usb_announce *a, uint8_t idx, char *buf, size_t n)
{
    vc_usb_string s;
    if (n)
        buf[0] = 0;
    if (!idx)
        return 0;
    for (uint32_t i = 0; vc_usb_string_at(body, a, i, &s); i++)
        if (s.index == idx)
            return utf16_to_utf8(body + s.off, s.len, buf, n);
    return 0;
}

const char *vc_usb_class_name(uint8_t cls)
{
    switch (cls) {
    case 0x00: return "per interface";
    case 0x01: return "Audio";
    case 0x02: return "CDC";
    case 0x03: return "HID";
    case 0x05: return "Physical";
    case 0x06: return "Image";
    case 0x07: return "Printer";
    case 0x08: return "Mass Storage";
    case 0x09: return "Hub";
    case 0x0A: return "CDC Data";
    case 0x0B: return "Smart Card";
    case 0x0D: return "Content Security";
    case 0x0E: return "Video";
    case 0x0F: return "Personal Healthcare";
    case 0x10: return "Audio/Video";
    case 0x11: return "Billboard";
    case 0x12: return "USB Type-C Bridge";
    case 0xDC: return "Diagnostic";
    case 0xE0: return "Wireless Controller";
    case 0xEF: return "Miscellaneous";
    case 0xFE: return "Application Specific";
    case 0xFF: return "Vendor Specific";
    default: return NULL;
    }
}

size_t vc_usb_device_text(const uint8_t *body, const vc_usb_announce *a, char *buf, size_t n)
{
    size_t o = 0;
    if (!n)
        return 0;
    buf[0] = 0;
#define APPEND(...) (o = text_add(n, o, snprintf(buf + o, n - o, __VA_ARGS__)))
    if (!a->has_device) {
        APPEND("no device descriptor");
        return o;
    }
    APPEND("%04x:%04x class ", a->vid, a->pid);
    if (a->dev_class || !a->n_iface) {
        const char *c = vc_usb_class_name(a->dev_class);
        if (c)
            APPEND("%s", c);
        else
            APPEND("0x%02x", a->dev_class);
    } else {
        /* the interfaces' classes, each once, in order */
        uint32_t m = a->n_iface < VC_USB_MAX_IFACES ? a->n_iface : VC_USB_MAX_IFACES;
        int first = 1;
        for (uint32_t i = 0; i < m; i++) {
            int seen = 0;
            for (uint32_t j = 0; j < i && !seen; j++)
                seen = a->iface[j].cls == a->iface[i].cls;
            if (seen)
                continue;
            const char *c = vc_usb_class_name(a->iface[i].cls);
            if (c)
                APPEND("%s%s", first ? "" : "+", c);
            else
                APPEND("%s0x%02x", first ? "" : "+", a->iface[i].cls);
            first = 0;
        }
    }
    char man[128], prod[128];
    vc_usb_string_utf8(body, a, a->i_manufacturer, man, sizeof man);
    vc_usb_string_utf8(body, a, a->i_product, prod, sizeof prod);
    if (man[0] || prod[0])
        APPEND(" \"%s%s%s\"", man, man[0] && prod[0] ? " " : "", prod);
#undef APPEND
    return o;
}

/* ---- CTXCPM ---------------------------------------------------------------- */

int vc_cpm_enum_entry(const uint8_t *msg, size_t len, uint32_t off, cpm_enum_entry *e)
{
    if ((uint64_t)off + CPM_ENUMSTRUCT > len)
        return 0;
    const uint8_t *p = msg + off;
    e->name_size = p[0];
    e->driver_size = p[1];
    e->port_size = p[2];
    e->comment_size = p[3];
    e->flags = le32(p + 4);
    e->extra_size = le16(p + 8);
    e->size = CPM_ENUMSTRUCT + e->name_size + e->driver_size + e->port_size + e->comment_size + e->extra_size;
    return 1;
}

/* the ENUMPRINTER reply: header, then Count entries */
static enum vc_cut enum_reply(const uint8_t *buf, size_t avail, uint32_t *total)
{
    if (avail < CPM_ENUM_REPLY_HDR)
        return VC_CUT_NEED_HEADER;
    uint32_t count = le16(buf + 4);
    uint64_t off = CPM_ENUM_REPLY_HDR;
    for (uint32_t i = 0; i < count; i++) {
        cpm_enum_entry e;
        if (!vc_cpm_enum_entry(buf, avail, (uint32_t)off, &e))
            return VC_CUT_NEED_HEADER;
        off += e.size;
        if (off > avail && i + 1 < count)
            return VC_CUT_NEED_HEADER;
    }
    *total = clamp32(off);
    return VC_CUT_OK;
}

enum vc_cut vc_cpm_size(const uint8_t *buf, size_t avail, uint32_t *total)
{
    *total = 0;
    if (avail < 2)
        return VC_CUT_NEED_HEADER;
    switch (buf[0]) {
    case CPM_ENUMPRINTER:
    case CPM_READPRINTER:
    case CPM_OPENPRINTER_REPLY:
    case CPM_WRITEPRINTER_REPLY:
        return fixed(6, avail, total);
    case CPM_CLOSEPRINTER:
    case CPM_CLOSEPRINTER_REPLY:
        return fixed(4, avail, total);
    case CPM_GETPRINTER:
    case CPM_CONNECT2:
        return fixed(10, avail, total);
    case CPM_SETPRINTER_REPLY:
        return fixed(12, avail, total);
    case CPM_ASYNC_STATUS:
        return fixed(8, avail, total);
    case CPM_OPENPRINTER:
        if (avail < 3)
            return VC_CUT_NEED_HEADER;
        return fixed(4u + buf[2], avail, total);
    case CPM_WRITEPRINTER:
    case CPM_READPRINTER_REPLY:
        if (avail < 6)
            return VC_CUT_NEED_HEADER;
        return fixed(6u + le16(buf + 4), avail, total);
    case CPM_GETPRINTER_REPLY:
    case CPM_SETPRINTER:
        if (avail < 14)
            return VC_CUT_NEED_HEADER;
        return fixed(14u + le16(buf + 12), avail, total);
    case CPM_ENUMPRINTER_REPLY:
        return enum_reply(buf, avail, total);
    default:
        return VC_CUT_REST;
    }
}
