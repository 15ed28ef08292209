/* vc_dev: the device channels' layouts (vc.md §10 CTXCAM: vdcam and the
 * HTML5 client's AudioEngine and format constants). */
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

int main(void)
{
    cam();
    return unit_report();
}
