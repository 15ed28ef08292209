/* vc_dev.h - the device channels' layouts that need no Wireshark: CTXCAM
 * message sizes and audio format ids, CTXGUSB device announcements (USB
 * descriptors), CTXCPM message sizes (shared notes vc.md §10, §7, §9).
 * Epan-free; the decoders in plugin/vc/ render what these find.
 *
 * Sources: CTXCAM the RISC OS ICA client's vdcam header ("Client Audio
 * Mapping on-the-wire protocol definitions", 1997) and the Citrix Receiver
 * for HTML5's AudioEngine (search-index file 8953037024) and audio format
 * constants (9470909844); CTXGUSB the HTML5 client's UsbEngine
 * ("USBProtocol.c", 9207988744) and its descriptor code (9614277073: the
 * string descriptor wire frame); CTXCPM the RISC OS client's cpmwire header
 * (CPM major version 2) and the HTML5 client's PrinterProcessor (8930246194)
 * and CPM marshall functions (9435813423).  USB descriptor layouts and class
 * codes are the USB 2.0 specification's.
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

/* ---- CTXGUSB: generic USB redirection ------------------------------------ */

enum {
    GUSB_BIND_REQUEST = 0x00, GUSB_BIND_RESPONSE = 0x01, GUSB_BIND_COMMIT = 0x02,
    GUSB_ANNOUNCE_DEVICE = 0x10, GUSB_ANNOUNCE_DEVICE_VETOED = 0x11, GUSB_ACCEPT_DEVICE = 0x12,
    GUSB_REJECT_DEVICE = 0x13,
    GUSB_URB_STATUS = 0x1F, GUSB_URB_RESPONSE = 0x20, GUSB_GET_STRING = 0x21, GUSB_SELECT_CONFIGURATION = 0x22,
    GUSB_SELECT_INTERFACE = 0x23, GUSB_SEND_URB_CONTROL = 0x24, GUSB_SEND_URB_BULK = 0x25,
    GUSB_SEND_URB_INTERRUPT = 0x26, GUSB_SEND_URB_ISOCHRONOUS = 0x27,
    GUSB_URB_CANCEL = 0x30, GUSB_RESET_ENDPOINT = 0x31, GUSB_CLEAR_HALT_AND_RESET_ENDPOINT = 0x32,
    GUSB_RESET_DEVICE = 0x33, GUSB_STOP_DEVICE = 0x34, GUSB_STOP_DEVICE_RESPONSE = 0x35, GUSB_DEVICE_GONE = 0x36
};

#define GUSB_HDR 7                  /* u32 bytecount (header included), u8 command, u16 deviceId */
#define GUSB_STRING_HDR 5           /* u8 index, u16 langid, u16 byte length, then the UTF-16LE text */
#define USB_DT_DEVICE 1
#define USB_DT_CONFIG 2
#define USB_DT_STRING 3
#define USB_DT_INTERFACE 4
#define USB_DT_ENDPOINT 5
#define USB_DEVICE_DESC_LEN 18
#define USB_CONFIG_DESC_LEN 9
#define USB_INTERFACE_DESC_LEN 9
#define VC_USB_MAX_IFACES 32        /* interfaces kept in the summary (the rest are counted) */

/* A counted block of an announcement: u16 length, then that many bytes. */
typedef struct {
    uint32_t len_off;           /* offset of the u16 length (from the body start) */
    uint32_t off;               /* its data */
    uint32_t claimed;           /* the length field */
    uint32_t len;               /* the bytes there are (claimed, or what is left when it runs past) */
} vc_usb_block;

typedef struct {
    uint8_t index;
    uint16_t langid;
    uint32_t off;               /* the text (UTF-16LE) */
    uint32_t len, claimed;
} vc_usb_string;

typedef struct {
    uint8_t number, alternate, n_endpoints, cls, subclass, protocol;
} vc_usb_iface;

/* ANNOUNCE_DEVICE's body (after the 7-byte header), as the HTML5 client's
 * SendDevice writes it: u16 speed, u16 hub flags, then three counted blocks:
 * the string descriptors (each u8 index, u16 langid, u16 byte length, text),
 * the device descriptor and the configuration descriptor (both as USB sends
 * them).  Offsets count from the body start. */
typedef struct {
    uint16_t speed, hub_flags;
    uint8_t complete;           /* all three blocks present (possibly cut short) */
    vc_usb_block strings, device, config;
    uint8_t blocks;             /* how many of the three blocks have their length field */
    uint8_t short_block;        /* bit i: block i claims more than the body holds */
    uint32_t trailing;          /* body bytes after the configuration block */
    /* device descriptor (has_device: at least 18 bytes of type 1) */
    uint8_t has_device;
    uint16_t bcd_usb, vid, pid, bcd_device;
    uint8_t dev_class, dev_subclass, dev_protocol, max_packet0;
    uint8_t i_manufacturer, i_product, i_serial, n_configs;
    /* configuration descriptor (has_config: at least 9 bytes of type 2) */
    uint8_t has_config;
    uint16_t total_length;
    uint8_t n_interfaces, config_value, attributes, max_power;
    uint32_t n_iface;           /* interface descriptors found (all alternates) */
    vc_usb_iface iface[VC_USB_MAX_IFACES];
    uint8_t bad_descriptor;     /* a descriptor's bLength below 2 or past the block */
    /* strings */
    uint32_t n_strings;
    uint8_t bad_string;         /* a string runs past the block */
} vc_usb_announce;

/* Parses an announcement body of len bytes. */
void vc_usb_announce_parse(const uint8_t *body, size_t len, vc_usb_announce *a);

/* The i-th string of the strings block (i from 0): 1 and *s filled, 0 when
 * there is none; a string longer than the block is cut (s->len < s->claimed). */
int vc_usb_string_at(const uint8_t *body, const vc_usb_announce *a, uint32_t i, vc_usb_string *s);

/* The string with descriptor index idx (not 0, the language list) as
 * UTF-8 into buf (terminated); returns its length, 0 when absent. */
size_t vc_usb_string_utf8(const uint8_t *body, const vc_usb_announce *a, uint8_t idx, char *buf, size_t n);

/* One descriptor of a descriptor block (device or configuration) at off
 * (from the body start): 1 with its bLength and type, 0 at the block's end,
 * -1 when bLength is below 2 or runs past the block. */
int vc_usb_desc_at(const uint8_t *body, const vc_usb_block *b, uint32_t off, uint8_t *blen, uint8_t *type);

/* USB class code name (USB-IF defined class codes), NULL when not defined. */
const char *vc_usb_class_name(uint8_t cls);

/* "046d:c52b class HID \"Logitech USB Receiver\"" (the device class, or the
 * interfaces' classes joined by '+' when the device leaves it to them, and
 * manufacturer and product strings when given); returns strlen. */
size_t vc_usb_device_text(const uint8_t *body, const vc_usb_announce *a, char *buf, size_t n);

/* ---- CTXCPM: client printer mapping (CPM v2+, spooled) -------------------- */

enum {
    CPM_ENUMPRINTER = 64, CPM_OPENPRINTER = 65, CPM_CLOSEPRINTER = 66, CPM_READPRINTER = 67,
    CPM_WRITEPRINTER = 68, CPM_GETPRINTER = 69, CPM_SETPRINTER = 70, CPM_ASYNC_STATUS_REQUEST = 71,
    CPM_CONNECT2 = 72,
    CPM_ENUMPRINTER_REPLY = 192, CPM_OPENPRINTER_REPLY = 193, CPM_CLOSEPRINTER_REPLY = 194,
    CPM_READPRINTER_REPLY = 195, CPM_WRITEPRINTER_REPLY = 196, CPM_GETPRINTER_REPLY = 197,
    CPM_SETPRINTER_REPLY = 198, CPM_ASYNC_STATUS = 199, CPM_CONNECT2_REPLY = 200
};

#define CPM_ENUMSTRUCT 10           /* u8 NameSize, DriverSize, PortSize, CommentSize, u32 Flags, u16 ExtraSize */
#define CPM_ENUM_REPLY_HDR 8        /* h_type, MpxId, u16 Result, u16 Count, u16 Size */

/* One ENUMSTRUCT and its strings at off (from the message start). */
typedef struct {
    uint8_t name_size, driver_size, port_size, comment_size;
    uint32_t flags;
    uint16_t extra_size;
    uint32_t size;              /* 10 + all the sizes */
} cpm_enum_entry;

/* The entry at off of a message of len bytes: 1 filled, 0 when it does not fit. */
int vc_cpm_enum_entry(const uint8_t *msg, size_t len, uint32_t off, cpm_enum_entry *e);

/* The size of the CTXCPM message at buf (vc_cut.h conventions): fixed per
 * request or reply, plus NameSize (OPENPRINTER), WriteSize (WRITEPRINTER),
 * AmountRead (READPRINTER reply), InfoLen (GETPRINTER reply; SETPRINTER
 * request, inferred), the Count entries (ENUMPRINTER reply); VC_CUT_REST for
 * reserved and unknown types. */
enum vc_cut vc_cpm_size(const uint8_t *buf, size_t avail, uint32_t *total);

#endif
