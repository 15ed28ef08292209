/* vc_dev: the device channels' layouts (vc.md §10 CTXCAM: vdcam and the
 * HTML5 client's AudioEngine and format constants; §7 CTXGUSB: the HTML5
 * client's SendDevice and string descriptor wire frame, USB 2.0 descriptors;
 * §9 CTXCPM: cpmwire and the HTML5 client's PrinterProcessor). */
#include "unit.h"
#include "vc_dev.h"

#define SIZE(fn, buf, n, want_cut, want_total) do { \
        uint32_t _t; \
        CHECK_EQ_INT(fn((buf), (n), &_t), (want_cut)); \
        if ((want_cut) == VC_CUT_OK) CHECK_EQ_INT(_t, (want_total)); \
    } while (0)

static void format_text(uint16_t fmt, uint16_t sub, const char *want)
{
    cam_format f;
    char buf[96];
    vc_cam_format(fmt, sub, &f);
    vc_cam_format_text(&f, buf, sizeof buf);
    CHECK_EQ_STR(buf, want);
}

static void cam(void)
{
    /* fixed sizes: INIT 3, OPEN 10, CLOSE 2, RESET_ACK 2, v2 record commands 2, READ_REQUEST 6,
     * SET_CONTROL 8, RESOURCE_ACK 5, RESET 3 */
    static const uint8_t init[] = { CAM_INIT, 1, 1 };
    SIZE(vc_cam_size, init, sizeof init, VC_CUT_OK, 3);
    SIZE(vc_cam_size, init, 0, VC_CUT_NEED_HEADER, 0);
    static const uint8_t open[] = { CAM_OPEN, 1, 1, 0, 0x13, 0x01, 0, 0, 0, 0 };
    SIZE(vc_cam_size, open, 1, VC_CUT_OK, 10);          /* known from the command byte */
    uint8_t b[8] = { 0 };
    b[0] = CAM_CLOSE;           SIZE(vc_cam_size, b, 2, VC_CUT_OK, 2);
    b[0] = CAM_RESET_ACK;       SIZE(vc_cam_size, b, 2, VC_CUT_OK, 2);
    b[0] = CAM_START_RECORD;    SIZE(vc_cam_size, b, 2, VC_CUT_OK, 2);
    b[0] = CAM_STOP_RECORD;     SIZE(vc_cam_size, b, 2, VC_CUT_OK, 2);
    b[0] = CAM_RESET_RECORD;    SIZE(vc_cam_size, b, 2, VC_CUT_OK, 2);
    b[0] = CAM_READ_REQUEST;    SIZE(vc_cam_size, b, 6, VC_CUT_OK, 6);
    b[0] = CAM_SET_CONTROL;     SIZE(vc_cam_size, b, 8, VC_CUT_OK, 8);
    b[0] = CAM_RESOURCE_ACK;    SIZE(vc_cam_size, b, 5, VC_CUT_OK, 5);
    b[0] = CAM_RESET;           SIZE(vc_cam_size, b, 3, VC_CUT_OK, 3);
    /* bodies no source lays out: to the end of the write */
    b[0] = CAM_READ_RESPONSE;   SIZE(vc_cam_size, b, 8, VC_CUT_REST, 0);
    b[0] = CAM_OPEN_RESPONSE;   SIZE(vc_cam_size, b, 8, VC_CUT_REST, 0);
    b[0] = CAM_CONTROL_UPDATE;  SIZE(vc_cam_size, b, 8, VC_CUT_REST, 0);
    b[0] = 0x42;                SIZE(vc_cam_size, b, 8, VC_CUT_REST, 0);
    /* WRITE: oData 8, cbData 0x0100: 8 + 256, known from 6 bytes */
    static const uint8_t write[] = { CAM_WRITE, 1, 8, 0, 0x00, 0x01, 0, 0 };
    SIZE(vc_cam_size, write, sizeof write, VC_CUT_OK, 264);
    SIZE(vc_cam_size, write, 6, VC_CUT_OK, 264);
    SIZE(vc_cam_size, write, 5, VC_CUT_NEED_HEADER, 0);
    /* oData 12 (4 bytes of gap), cbData 4: 16; oData 2 (inside the header): data read from 8 */
    static const uint8_t write_gap[] = { CAM_WRITE, 1, 12, 0, 4, 0 };
    SIZE(vc_cam_size, write_gap, sizeof write_gap, VC_CUT_OK, 16);
    static const uint8_t write_low[] = { CAM_WRITE, 1, 2, 0, 4, 0 };
    SIZE(vc_cam_size, write_low, sizeof write_low, VC_CUT_OK, 12);
    /* the biggest WRITE: 0xFFFF + 0xFFFF */
    static const uint8_t write_max[] = { CAM_WRITE, 1, 0xFF, 0xFF, 0xFF, 0xFF };
    SIZE(vc_cam_size, write_max, sizeof write_max, VC_CUT_OK, 0x1FFFE);
    /* REQUEST_CAPINFO: offset 6, 3 formats: 6 + 12; CAPABILITY_INFO the same */
    static const uint8_t caps[] = { CAM_REQUEST_CAPINFO, 1, 6, 0, 3, 0 };
    SIZE(vc_cam_size, caps, sizeof caps, VC_CUT_OK, 18);
    SIZE(vc_cam_size, caps, 5, VC_CUT_NEED_HEADER, 0);
    static const uint8_t capinfo[] = { CAM_CAPABILITY_INFO, 2, 10, 0, 1, 0 };
    SIZE(vc_cam_size, capinfo, sizeof capinfo, VC_CUT_OK, 14);
    static const uint8_t caps_low[] = { CAM_CAPABILITY_INFO, 2, 0, 0, 2, 0 };
    SIZE(vc_cam_size, caps_low, sizeof caps_low, VC_CUT_OK, 14);

    /* PCM sub-formats (vdcam bits; the HTML5 pcm_supportArray values) */
    format_text(CAM_FORMAT_LINEAR_PCM, 0x0113, "Linear PCM 44100 Hz stereo 16-bit");   /* PCM_44K_16B_STER */
    format_text(CAM_FORMAT_LINEAR_PCM, 0x0102, "Linear PCM 22050 Hz mono 16-bit");     /* PCM_22K_16B_MONO */
    format_text(CAM_FORMAT_LINEAR_PCM, 0x0011, "Linear PCM 11025 Hz stereo 8-bit");
    format_text(CAM_FORMAT_LINEAR_PCM, 0x0000, "Linear PCM 8000 Hz mono 8-bit");
    format_text(CAM_FORMAT_CTX_ADPCM, 0x0013, "Citrix ADPCM 44100 Hz stereo 2-bit");
    /* Vorbis: quality and channels; the rate is the HTML5 client's, in parentheses */
    format_text(CAM_FORMAT_CTX_VORBIS, 0x0025, "Vorbis (44100 Hz) stereo Q5");
    format_text(CAM_FORMAT_CTX_VORBIS, 0x001A, "Vorbis (44100 Hz) mono Q10");
    /* Speex: band gives the rate */
    format_text(CAM_FORMAT_CTX_SPEEX, 0x0018, "Speex 8000 Hz mono Q8");
    format_text(CAM_FORMAT_CTX_SPEEX, 0x011A, "Speex 16000 Hz mono Q10");
    format_text(CAM_FORMAT_CTX_SPEEX, 0x0213, "Speex 32000 Hz mono Q3");
    format_text(CAM_FORMAT_CTX_ADPCM_EX, 0x1234, "Citrix ADPCM EX");
    format_text(CAM_FORMAT_NONE, 0, "none");
    format_text(9, 0, "unknown format");

    cam_format f;
    CHECK_EQ_INT(vc_cam_format(CAM_FORMAT_LINEAR_PCM, 0x0113, &f), 1);
    CHECK_EQ_INT(f.rate_hz, 44100);
    CHECK_EQ_INT(f.channels, 2);
    CHECK_EQ_INT(f.bits, 16);
    CHECK_EQ_INT(f.unknown_bits, 0);
    /* reserved bits 2-3, 5-7, 9-15 of a PCM sub-format */
    vc_cam_format(CAM_FORMAT_LINEAR_PCM, 0x8127, &f);
    CHECK_EQ_INT(f.unknown_bits, 0x8024);
    /* Speex band 5 and channels 0x30: not defined */
    vc_cam_format(CAM_FORMAT_CTX_SPEEX, 0x0531, &f);
    CHECK_EQ_INT(f.rate_hz, 0);
    CHECK_EQ_INT(f.channels, 0);
    CHECK_EQ_INT(f.unknown_bits, 0x0530);
    CHECK_EQ_INT(vc_cam_format(7, 0, &f), 0);
    CHECK(f.codec == NULL);
    /* a short buffer keeps the text terminated */
    char small[8];
    vc_cam_format(CAM_FORMAT_LINEAR_PCM, 0x0113, &f);
    CHECK_EQ_INT(vc_cam_format_text(&f, small, sizeof small), 7);
    CHECK_EQ_STR(small, "Linear ");
}


/* An announcement body as SendDevice writes it: speed FULL, hub flags SELF_POWERED|FULL, strings
 * (0: language 0x0409; 1 "Logitech"; 2 "USB Keyboard"), the device descriptor (046d:c31c, class 0,
 * iManufacturer 1, iProduct 2, no serial), the configuration (one HID boot keyboard interface with
 * its HID class descriptor and interrupt IN endpoint 0x81). */
static const uint8_t announce[] = {
    0x01, 0x00, 0x09, 0x00, 0x39, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x09, 0x04, 0x01, 0x09, 0x04, 0x10, 0x00,
    0x4c, 0x00, 0x6f, 0x00, 0x67, 0x00, 0x69, 0x00, 0x74, 0x00, 0x65, 0x00, 0x63, 0x00, 0x68, 0x00, 0x02, 0x09,
    0x04, 0x18, 0x00, 0x55, 0x00, 0x53, 0x00, 0x42, 0x00, 0x20, 0x00, 0x4b, 0x00, 0x65, 0x00, 0x79, 0x00, 0x62,
    0x00, 0x6f, 0x00, 0x61, 0x00, 0x72, 0x00, 0x64, 0x00, 0x12, 0x00, 0x12, 0x01, 0x10, 0x01, 0x00, 0x00, 0x00,
    0x08, 0x6d, 0x04, 0x1c, 0xc3, 0x00, 0x64, 0x01, 0x02, 0x00, 0x01, 0x22, 0x00, 0x09, 0x02, 0x22, 0x00, 0x01,
    0x01, 0x00, 0xa0, 0x32, 0x09, 0x04, 0x00, 0x00, 0x01, 0x03, 0x01, 0x01, 0x00, 0x09, 0x21, 0x10, 0x01, 0x00,
    0x01, 0x22, 0x41, 0x00, 0x07, 0x05, 0x81, 0x03, 0x08, 0x00, 0x0a
};

static void gusb(void)
{
    vc_usb_announce a;
    char text[200];
    vc_usb_announce_parse(announce, sizeof announce, &a);
    CHECK_EQ_INT(a.speed, 1);
    CHECK_EQ_INT(a.hub_flags, 9);
    CHECK_EQ_INT(a.complete, 1);
    CHECK_EQ_INT(a.blocks, 3);
    CHECK_EQ_INT(a.short_block, 0);
    CHECK_EQ_INT(a.trailing, 0);
    CHECK_EQ_INT(a.strings.off, 6);
    CHECK_EQ_INT(a.strings.len, 57);
    CHECK_EQ_INT(a.device.len, 18);
    CHECK_EQ_INT(a.config.len, 34);
    CHECK_EQ_INT(a.has_device, 1);
    CHECK_EQ_INT(a.vid, 0x046d);
    CHECK_EQ_INT(a.pid, 0xc31c);
    CHECK_EQ_INT(a.bcd_usb, 0x0110);
    CHECK_EQ_INT(a.dev_class, 0);
    CHECK_EQ_INT(a.i_manufacturer, 1);
    CHECK_EQ_INT(a.i_product, 2);
    CHECK_EQ_INT(a.i_serial, 0);
    CHECK_EQ_INT(a.n_configs, 1);
    CHECK_EQ_INT(a.has_config, 1);
    CHECK_EQ_INT(a.total_length, 34);
    CHECK_EQ_INT(a.n_interfaces, 1);
    CHECK_EQ_INT(a.max_power, 50);
    CHECK_EQ_INT(a.n_iface, 1);
    CHECK_EQ_INT(a.iface[0].cls, 3);
    CHECK_EQ_INT(a.iface[0].subclass, 1);
    CHECK_EQ_INT(a.iface[0].protocol, 1);
    CHECK_EQ_INT(a.iface[0].n_endpoints, 1);
    CHECK_EQ_INT(a.bad_descriptor, 0);
    CHECK_EQ_INT(a.n_strings, 3);
    CHECK_EQ_INT(a.bad_string, 0);
    vc_usb_string s;
    CHECK_EQ_INT(vc_usb_string_at(announce, &a, 1, &s), 1);
    CHECK_EQ_INT(s.index, 1);
    CHECK_EQ_INT(s.langid, 0x0409);
    CHECK_EQ_INT(s.len, 16);
    CHECK_EQ_INT(vc_usb_string_at(announce, &a, 3, &s), 0);
    CHECK_EQ_INT(vc_usb_string_utf8(announce, &a, 2, text, sizeof text), 12);
    CHECK_EQ_STR(text, "USB Keyboard");
    CHECK_EQ_INT(vc_usb_string_utf8(announce, &a, 0, text, sizeof text), 0);   /* the language list is no text */
    CHECK_EQ_INT(vc_usb_string_utf8(announce, &a, 7, text, sizeof text), 0);
    vc_usb_device_text(announce, &a, text, sizeof text);
    CHECK_EQ_STR(text, "046d:c31c class HID \"Logitech USB Keyboard\"");
    /* the configuration's descriptors in turn: configuration, interface, HID, endpoint, end */
    uint8_t blen, type;
    uint32_t off = a.config.off;
    static const uint8_t want_types[] = { USB_DT_CONFIG, USB_DT_INTERFACE, 0x21, USB_DT_ENDPOINT };
    for (unsigned i = 0; i < 4; i++) {
        CHECK_EQ_INT(vc_usb_desc_at(announce, &a.config, off, &blen, &type), 1);
        CHECK_EQ_INT(type, want_types[i]);
        off += blen;
    }
    CHECK_EQ_INT(vc_usb_desc_at(announce, &a.config, off, &blen, &type), 0);

    /* a device class given by the device itself, no strings */
    uint8_t dev_class[sizeof announce];
    memcpy(dev_class, announce, sizeof announce);
    dev_class[65 + 4] = 0x08;                       /* bDeviceClass: Mass Storage */
    dev_class[65 + 14] = 0;                         /* iManufacturer */
    dev_class[65 + 15] = 0;                         /* iProduct */
    vc_usb_announce_parse(dev_class, sizeof dev_class, &a);
    vc_usb_device_text(dev_class, &a, text, sizeof text);
    CHECK_EQ_STR(text, "046d:c31c class Mass Storage");

    /* cut inside the configuration block: its length claims more than there is */
    vc_usb_announce_parse(announce, sizeof announce - 5, &a);
    CHECK_EQ_INT(a.complete, 1);
    CHECK_EQ_INT(a.short_block, 4);
    CHECK_EQ_INT(a.config.claimed, 34);
    CHECK_EQ_INT(a.config.len, 29);
    CHECK_EQ_INT(a.bad_descriptor, 1);              /* the endpoint runs past the block */
    CHECK_EQ_INT(a.n_iface, 1);
    /* cut before the configuration's length field: two blocks */
    vc_usb_announce_parse(announce, 82, &a);
    CHECK_EQ_INT(a.complete, 0);
    CHECK_EQ_INT(a.blocks, 2);
    CHECK_EQ_INT(a.has_device, 0);                  /* parsed only once all blocks are there */
    /* a strings block that claims 0xFFFF bytes swallows the rest: no device descriptor */
    uint8_t big[sizeof announce];
    memcpy(big, announce, sizeof announce);
    big[4] = 0xFF;
    big[5] = 0xFF;
    vc_usb_announce_parse(big, sizeof big, &a);
    CHECK_EQ_INT(a.blocks, 1);
    CHECK_EQ_INT(a.short_block, 1);
    CHECK_EQ_INT(a.strings.len, sizeof announce - 6);
    CHECK_EQ_INT(a.complete, 0);
    /* a string whose length runs past the strings block */
    uint8_t bad_str[sizeof announce];
    memcpy(bad_str, announce, sizeof announce);
    bad_str[37] = 0x40;                             /* "USB Keyboard" claims 64 bytes */
    vc_usb_announce_parse(bad_str, sizeof bad_str, &a);
    CHECK_EQ_INT(a.n_strings, 3);
    CHECK_EQ_INT(a.bad_string, 1);
    CHECK_EQ_INT(vc_usb_string_utf8(bad_str, &a, 2, text, sizeof text), 12);  /* what the block holds */
    /* a descriptor of bLength 0 in the configuration */
    uint8_t zero[sizeof announce];
    memcpy(zero, announce, sizeof announce);
    zero[94] = 0;                                   /* the interface descriptor's bLength */
    vc_usb_announce_parse(zero, sizeof zero, &a);
    CHECK_EQ_INT(a.bad_descriptor, 1);
    CHECK_EQ_INT(a.n_iface, 0);
    vc_usb_device_text(zero, &a, text, sizeof text);
    CHECK_EQ_STR(text, "046d:c31c class per interface \"Logitech USB Keyboard\"");
    /* too short for anything */
    vc_usb_announce_parse(announce, 3, &a);
    CHECK_EQ_INT(a.blocks, 0);
    vc_usb_device_text(announce, &a, text, sizeof text);
    CHECK_EQ_STR(text, "no device descriptor");
    /* UTF-16 beyond ASCII: U+00E9 and a surrogate pair (U+1F600), an unpaired surrogate */
    static const uint8_t utf[] = {
        0, 0, 0, 0, 13, 0, 5, 0x09, 0x04, 8, 0, 0xE9, 0x00, 0x3D, 0xD8, 0x00, 0xDE, 0x00, 0xD8, 0, 0, 0, 0 };
    vc_usb_announce_parse(utf, sizeof utf, &a);
    CHECK_EQ_INT(a.complete, 1);
    CHECK_EQ_INT(vc_usb_string_utf8(utf, &a, 5, text, sizeof text), 9);
    CHECK_EQ_STR(text, "\xC3\xA9\xF0\x9F\x98\x80\xEF\xBF\xBD");
    CHECK_EQ_STR(vc_usb_class_name(0xE0), "Wireless Controller");
    CHECK(vc_usb_class_name(0x42) == NULL);
}

static void cpm(void)
{
    uint8_t b[16] = { 0 };
    /* fixed sizes */
    b[0] = CPM_ENUMPRINTER;         SIZE(vc_cpm_size, b, 2, VC_CUT_OK, 6);
    b[0] = CPM_CLOSEPRINTER;        SIZE(vc_cpm_size, b, 2, VC_CUT_OK, 4);
    b[0] = CPM_READPRINTER;         SIZE(vc_cpm_size, b, 2, VC_CUT_OK, 6);
    b[0] = CPM_GETPRINTER;          SIZE(vc_cpm_size, b, 2, VC_CUT_OK, 10);
    b[0] = CPM_CONNECT2;            SIZE(vc_cpm_size, b, 2, VC_CUT_OK, 10);
    b[0] = CPM_OPENPRINTER_REPLY;   SIZE(vc_cpm_size, b, 2, VC_CUT_OK, 6);
    b[0] = CPM_CLOSEPRINTER_REPLY;  SIZE(vc_cpm_size, b, 2, VC_CUT_OK, 4);
    b[0] = CPM_WRITEPRINTER_REPLY;  SIZE(vc_cpm_size, b, 2, VC_CUT_OK, 6);
    b[0] = CPM_SETPRINTER_REPLY;    SIZE(vc_cpm_size, b, 2, VC_CUT_OK, 12);
    b[0] = CPM_ASYNC_STATUS;        SIZE(vc_cpm_size, b, 2, VC_CUT_OK, 8);
    b[0] = CPM_ASYNC_STATUS_REQUEST; SIZE(vc_cpm_size, b, 8, VC_CUT_REST, 0);
    b[0] = CPM_CONNECT2_REPLY;      SIZE(vc_cpm_size, b, 8, VC_CUT_REST, 0);
    b[0] = 0x10;                    SIZE(vc_cpm_size, b, 8, VC_CUT_REST, 0);
    SIZE(vc_cpm_size, b, 1, VC_CUT_NEED_HEADER, 0);
    /* OPENPRINTER: NameSize 10 */
    static const uint8_t open[] = { CPM_OPENPRINTER, 1, 10, 0x11 };
    SIZE(vc_cpm_size, open, sizeof open, VC_CUT_OK, 14);
    SIZE(vc_cpm_size, open, 2, VC_CUT_NEED_HEADER, 0);
    /* WRITEPRINTER / READPRINTER reply: + WriteSize / AmountRead */
    static const uint8_t write[] = { CPM_WRITEPRINTER, 2, 1, 0, 0x00, 0x10 };
    SIZE(vc_cpm_size, write, sizeof write, VC_CUT_OK, 6 + 0x1000);
    SIZE(vc_cpm_size, write, 5, VC_CUT_NEED_HEADER, 0);
    static const uint8_t read_reply[] = { CPM_READPRINTER_REPLY, 2, 0, 0, 3, 0 };
    SIZE(vc_cpm_size, read_reply, sizeof read_reply, VC_CUT_OK, 9);
    /* GETPRINTER reply and SETPRINTER: 14 + InfoLen */
    static const uint8_t get_reply[] = { CPM_GETPRINTER_REPLY, 3, 0, 0, 0x90, 0, 0, 0, 0, 0, 0, 0, 5, 0 };
    SIZE(vc_cpm_size, get_reply, sizeof get_reply, VC_CUT_OK, 19);
    SIZE(vc_cpm_size, get_reply, 13, VC_CUT_NEED_HEADER, 0);
    static const uint8_t set[] = { CPM_SETPRINTER, 3, 1, 0, 0x10, 0, 0, 0, 0, 0, 0, 0, 0, 0 };
    SIZE(vc_cpm_size, set, sizeof set, VC_CUT_OK, 14);
    /* ENUMPRINTER reply: an error with no printers (as the HTML5 client answers): 8 */
    static const uint8_t enum_none[] = { CPM_ENUMPRINTER_REPLY, 4, 0x08, 0x12, 0, 0, 0, 0 };
    SIZE(vc_cpm_size, enum_none, sizeof enum_none, VC_CUT_OK, 8);
    SIZE(vc_cpm_size, enum_none, 7, VC_CUT_NEED_HEADER, 0);
    /* two printers: "HP" / "drv" / "LPT1:" / "" + 1 extra byte; "PDF" only */
    static const uint8_t enum_two[] = {
        CPM_ENUMPRINTER_REPLY, 4, 0, 0, 2, 0, 34, 0,
        2, 3, 5, 0, 1, 0, 0, 0, 1, 0, 'H', 'P', 'd', 'r', 'v', 'L', 'P', 'T', '1', ':', 0x7F,
        3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 'P', 'D', 'F' };
    SIZE(vc_cpm_size, enum_two, sizeof enum_two, VC_CUT_OK, 42);
    SIZE(vc_cpm_size, enum_two, 30, VC_CUT_NEED_HEADER, 0);     /* the second entry's header not there */
    SIZE(vc_cpm_size, enum_two, 39, VC_CUT_OK, 42);             /* the last entry's header gives the end */
    cpm_enum_entry e;
    CHECK_EQ_INT(vc_cpm_enum_entry(enum_two, sizeof enum_two, 8, &e), 1);
    CHECK_EQ_INT(e.name_size, 2);
    CHECK_EQ_INT(e.port_size, 5);
    CHECK_EQ_INT(e.flags, 1);
    CHECK_EQ_INT(e.extra_size, 1);
    CHECK_EQ_INT(e.size, 21);
    CHECK_EQ_INT(vc_cpm_enum_entry(enum_two, sizeof enum_two, 40, &e), 0);
    /* a count of 0xFFFF with nothing after: the size is never known (the layer bounds it) */
    static const uint8_t enum_lie[] = { CPM_ENUMPRINTER_REPLY, 4, 0, 0, 0xFF, 0xFF, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 };
    SIZE(vc_cpm_size, enum_lie, sizeof enum_lie, VC_CUT_NEED_HEADER, 0);
    /* with the layer's bound: too long once max_len bytes are there without a size */
    vc_len_rule rule = { VC_LEN_MEASURE, 0, 0, 0, 0, 12, vc_cpm_size };
    uint32_t t;
    CHECK_EQ_INT(vc_msg_size(&rule, enum_lie, sizeof enum_lie, &t), VC_CUT_TOO_LONG);
}

int main(void)
{
    cam();
    gusb();
    cpm();
    return unit_report();
}
