/* libFuzzer target: libwireshark with this plugin's dissectors linked in.
 *
 * CITRIX_FUZZ_TARGET selects what the input feeds:
 *   ica, cgp, ccha (or any name given to register_dissector(), with
 *   CITRIX_FUZZ_PORT):  the input is a TCP conversation, records of
 *       [flags:1][length:2 LE][payload]
 *     flags bit 0: 0 = client to server, 1 = server to client
 *     flags bit 1: send the segment twice (retransmission)
 *     flags bit 2: never send it (lost segment: later data is out of order)
 *     Each record becomes one Ethernet/IPv4/TCP frame of a connection to the
 *     target's port (which is forced to the named dissector, "Decode As"),
 *     after a three-way handshake.
 *   edt: the input is a UDP conversation in the same records (bit 1 sends
 *     the datagram twice, bit 2 drops it), each record one Ethernet/IPv4/UDP
 *     datagram to or from UDP 2598, forced to EDT ("Decode As").
 *   portreg: the input is frames, records of [length:2 LE][Ethernet frame],
 *     all of them seen by every dissector including the post-dissector.
 *   vc: the virtual-channel layer (plugin/vc/) alone, through a stream
 *     input as above on port 1495: each record's payload is one virtual
 *     write, [selector:1][channel payload], selector bit 0 the direction and
 *     the rest picking one of the names registered in the "ica.vc" table;
 *     one connection is one ICA session.  The harness's own small
 *     dissector (below) hands the writes to the layer, which reassembles
 *     and calls the channel decoders as it does under a real session.
 * A record whose length runs past the input takes what is left.
 *
 * Every input is dissected twice the way `tshark -2 -V` does: a first pass
 * without tree that builds the conversation state, then a second, visited
 * pass with tree, columns and every item's label filled in.  A fresh epan
 * session per input costs ~300 ms and leaks inside libwireshark, so one
 * session serves SESSION_INPUTS inputs; each stream input gets its own
 * client address and port, so no conversation state carries over from one
 * input to the next and a crash reproduces from its file alone.
 *
 * A target whose dissector is not in the plugin exits 77 (ctest: skipped).
 */
#define WSC_LIBWIRESHARK_PROGRAM 1   /* ws_compat.h: logging, records, labels */
#include "ws_compat.h"
#include "packet-ica-vc.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>
#include <epan/epan.h>
#include <epan/epan_dissect.h>
#include <epan/packet.h>
#include <epan/prefs.h>
#include <epan/proto.h>
#include <epan/column.h>
#include <epan/conversation.h>
#include <epan/column-info.h>
#include <epan/disabled_protos.h>
#include <epan/frame_data.h>
#include <epan/timestamp.h>
#include <wiretap/wtap.h>
#include <wsutil/filesystem.h>
#include <wsutil/privileges.h>
#include <wsutil/wslog.h>

#define SKIP_EXIT 77

/* Stock dissectors with known bugs of their own that arbitrary TCP payload
 * reaches through the heuristics; left on they would be all the fuzzer finds.
 * ceph (4.0.17): "failed assertion d->convd (Frame visited, but no saved
 * state.)" on the second pass, with stock tshark -2 and no plugin loaded
 * (reproducer fuzz/known/ceph-visited-assert.pcap). */
static const char *const disabled_protocols[] = { "ceph" };
#define MAX_FRAMES 512          /* a bigger input is cut: keeps one run short */
#define MAX_SEGMENT 65495       /* IPv4 total length limit minus headers */
#define SESSION_INPUTS 2000     /* bounds the session's file-scope memory */

void plugin_register(void);

struct packet_provider_data {
    frame_data *frames;     /* this input's frames */
    guint32 first;          /* number of the frame before them */
    guint32 count;
};

enum feed { FEED_STREAM, FEED_DATAGRAMS, FEED_FRAMES };

static enum feed feed;
static guint16 server_port;
static guint32 input_count;     /* numbers the client address and port */
static guint32 frame_count;     /* frame numbers run on within a session */
static epan_t *session;
static column_info cinfo;
static const nstime_t zero_ts;

static const struct {
    const char *name;
    guint16 port;
} known_ports[] = {
    { "ica", 1494 },
    { "cgp", 2598 },
    { "ccha", 2014 },
    { "edt", 2598 },
    { "vc", 1495 },
};

/* ---- the "vc" target: virtual writes straight into the VC layer ---- */

static int proto_vc_fuzz = -1;
static const char *vc_names[64];    /* the "ica.vc" table's names */
static guint vc_name_count;

static void
vc_collect_name(const gchar *table _U_, ftenum_t type _U_, gpointer key, gpointer value _U_, gpointer user _U_)
{
    if (vc_name_count < G_N_ELEMENTS(vc_names))
        vc_names[vc_name_count++] = (const char *)key;
}

static int
dissect_vc_fuzz(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data _U_)
{
    guint len = tvb_captured_length(tvb);
    if (len < 2 || !vc_name_count)
        return len;
    guint8 sel = tvb_get_uint8(tvb, 0);
    /* the conversation stands for the session: only its address is used, as a key */
    ica_vc_info vi = { sel & 1, 18, vc_names[(sel >> 1) % vc_name_count],
                       (const struct ica_session *)find_or_create_conversation(pinfo),
                       wmem_strbuf_new(pinfo->pool, "") };
    ica_vc_dissect_write(tvb_new_subset_remaining(tvb, 1), pinfo, tree, &vi);
    return len;
}

static void
vc_fuzz_register(void)
{
    proto_vc_fuzz = proto_register_protocol("Citrix VC fuzz harness", "VCFUZZ", "citrix_vc_fuzz");
    register_dissector("vc", dissect_vc_fuzz, proto_vc_fuzz);
}

static int
vc_name_cmp(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void
vc_fuzz_handoff(void)
{
    dissector_table_foreach(ICA_VC_TABLE, vc_collect_name, NULL);
    qsort(vc_names, vc_name_count, sizeof vc_names[0], vc_name_cmp);   /* selector -> name, run to run */
}

/* Earlier inputs' frames are gone; they get time zero. */
static const nstime_t *
get_frame_ts(struct packet_provider_data *prov, guint32 frame_num)
{
    if (prov->frames && frame_num > prov->first && frame_num - prov->first <= prov->count)
        return &prov->frames[frame_num - prov->first - 1].abs_ts;
    return &zero_ts;
}

static void
set_pref(const char *pref)
{
    char *copy = g_strdup(pref);
    char *err = NULL;

    if (prefs_set_pref(copy, &err) != PREFS_SET_OK)
        fprintf(stderr, "citrix_fuzz: cannot set %s: %s\n", pref, err ? err : "?");
    g_free(err);
    g_free(copy);
}

/* A dissector bug is fatal only when it is ours.  Stock 4.0.17 dissectors
 * have assertion failures of their own that fuzzed payload reaches through
 * the TCP heuristics or a handoff (TLS handshake reassembly, TCP desegment
 * bookkeeping: fuzz/known/); aborting on those would stop every run on the
 * same stock bug.  Wireshark logs each caught dissector bug as a warning
 * naming the assertion's file: anything outside epan/dissectors/ (this
 * plugin's sources, or epan's API checks our calls trip) aborts. */
static void
abort_on_our_dissector_bug(WSC_LOG_WRITER_PARAMS(domain, level, file, line, func, format, ap, user_data))
{
    static unsigned stock_bugs;
    char *msg = g_strdup_vprintf(format, ap);

    if (strstr(msg, "Dissector bug")) {
        if (!strstr(msg, "epan/dissectors/")) {
            fprintf(stderr, "citrix_fuzz: %s\n", msg);
            abort();
        }
        if (stock_bugs++ < 3)
            fprintf(stderr, "citrix_fuzz: ignored, stock Wireshark: %s\n", msg);
    }
    g_free(msg);
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int
LLVMFuzzerInitialize(int *argc _U_, char ***argv)
{
    const char *target = getenv("CITRIX_FUZZ_TARGET");

    if (!target || !*target) {
        fprintf(stderr, "citrix_fuzz: set CITRIX_FUZZ_TARGET (ica, cgp, ccha, edt, portreg, vc)\n");
        exit(2);
    }
    /* No personal profile: results must not depend on who runs this. */
    g_setenv("XDG_CONFIG_HOME", "/nonexistent", TRUE);
    g_setenv("WIRESHARK_CONFIG_DIR", "/nonexistent", TRUE);
    /* Every wmem allocation a real malloc, so ASan sees overflows inside pools. */
    g_setenv("WIRESHARK_DEBUG_WMEM_OVERRIDE", "simple", FALSE);
    g_setenv("G_SLICE", "always-malloc", FALSE);
    g_unsetenv("WIRESHARK_ABORT_ON_DISSECTOR_BUG");   /* see abort_on_our_dissector_bug() */

    wsc_log_init("citrix_fuzz");
    ws_log_set_writer(abort_on_our_dissector_bug);
    init_process_policies();
    g_free(wsc_configuration_init((*argv)[0]));
    timestamp_set_type(TS_RELATIVE);
    timestamp_set_precision(TS_PREC_AUTO);
    timestamp_set_seconds_type(TS_SECONDS_DEFAULT);
    wtap_init(FALSE);
    plugin_register();           /* our dissectors, linked in, not loaded */
    if (strcmp(target, "vc") == 0) {
        static proto_plugin vc_plug;
        vc_plug.register_protoinfo = vc_fuzz_register;
        vc_plug.register_handoff = vc_fuzz_handoff;
        proto_register_plugin(&vc_plug);
    }
    if (!epan_init(NULL, NULL, FALSE)) {
        fprintf(stderr, "citrix_fuzz: epan_init failed\n");
        exit(2);
    }
    e_prefs *p = epan_load_settings();
    for (size_t i = 0; i < G_N_ELEMENTS(disabled_protocols); i++)
        proto_disable_proto_by_name(disabled_protocols[i]);
    build_column_format_array(&cinfo, p->num_cols, TRUE);

    if (strcmp(target, "portreg") == 0) {
        if (proto_get_id_by_filter_name("portreg") < 0) {
            fprintf(stderr, "citrix_fuzz: skipping portreg: protocol not in this plugin\n");
            exit(SKIP_EXIT);
        }
        feed = FEED_FRAMES;
    } else {
        dissector_handle_t handle = find_dissector(target);
        const char *port = getenv("CITRIX_FUZZ_PORT");

        if (!handle) {
            fprintf(stderr, "citrix_fuzz: skipping %s: dissector not registered\n", target);
            exit(SKIP_EXIT);
        }
        server_port = port ? (guint16)atoi(port) : 0;
        for (size_t i = 0; !server_port && i < G_N_ELEMENTS(known_ports); i++)
            if (strcmp(known_ports[i].name, target) == 0)
                server_port = known_ports[i].port;
        if (!server_port) {
            fprintf(stderr, "citrix_fuzz: no port known for %s: set CITRIX_FUZZ_PORT\n", target);
            exit(2);
        }
        /* "Decode As": replaces whatever the port has, including our own port handle. */
        feed = strcmp(target, "edt") == 0 ? FEED_DATAGRAMS : FEED_STREAM;
        dissector_change_uint(feed == FEED_DATAGRAMS ? "udp.port" : "tcp.port", server_port, handle);
    }
    /* Reassembly stays on (the default): our dissectors depend on it. */
    set_pref("tcp.analyze_sequence_numbers:TRUE");
    prefs_apply_all();
    fprintf(stderr, "citrix_fuzz: target %s\n", target);
    return 0;
}

/* ---- building frames ---- */

struct capture {
    GByteArray *frames[MAX_FRAMES];
    guint count;
};

static void
put16(guint8 *p, guint v)
{
    p[0] = (guint8)(v >> 8);
    p[1] = (guint8)v;
}

static void
put32(guint8 *p, guint32 v)
{
    put16(p, v >> 16);
    put16(p + 2, v & 0xffff);
}

static void
add_frame(struct capture *cap, const guint8 *data, size_t len)
{
    if (cap->count < MAX_FRAMES)
        cap->frames[cap->count++] = g_byte_array_append(g_byte_array_new(), data, (guint)len);
}

/* Ethernet/IPv4 with the addresses and ports of this input; l4_len bytes
 * of transport header and payload follow at offset 34. */
static guint8 *
ip_frame(gboolean s2c, guint8 proto, size_t l4_len)
{
    static const guint8 mac_client[6] = { 2, 0, 0, 0, 0, 1 };
    static const guint8 mac_server[6] = { 2, 0, 0, 0, 0, 2 };
    const guint8 ip_client[4] = { 10, (guint8)(input_count >> 16), (guint8)(input_count >> 8),
                                  (guint8)input_count };
    static const guint8 ip_server[4] = { 192, 168, 0, 2 };
    guint client_port = 1024 + input_count % 60000;
    guint8 *f = g_malloc0(34 + l4_len);

    memcpy(f, s2c ? mac_client : mac_server, 6);
    memcpy(f + 6, s2c ? mac_server : mac_client, 6);
    put16(f + 12, 0x0800);
    f[14] = 0x45;
    put16(f + 16, (guint)(20 + l4_len));
    put16(f + 20, 0x4000);
    f[22] = 64;
    f[23] = proto;
    memcpy(f + 26, s2c ? ip_server : ip_client, 4);
    memcpy(f + 30, s2c ? ip_client : ip_server, 4);
    put16(f + 34, s2c ? server_port : client_port);
    put16(f + 36, s2c ? client_port : server_port);
    return f;
}

/* Ethernet/IPv4/TCP; checksums left zero (tshark does not verify by default). */
static void
add_tcp(struct capture *cap, gboolean s2c, guint32 seq, guint32 ack, guint8 tcp_flags,
        const guint8 *payload, size_t len)
{
    guint8 *f = ip_frame(s2c, 6, 20 + len);

    put32(f + 38, seq);
    put32(f + 42, ack);
    f[46] = 0x50;
    f[47] = tcp_flags;
    put16(f + 48, 65535);
    if (len)
        memcpy(f + 54, payload, len);
    add_frame(cap, f, 54 + len);
    g_free(f);
}

/* One harness record [flags][u16 length LE][bytes] off the input: flags
 * bit 0 direction (1 server to client), bit 1 send twice, bit 2 lose it;
 * the length is cut to what is left and to max.  FALSE at the end. */
static gboolean
next_record(const guint8 **buf, size_t *size, size_t max, guint8 *flags, const guint8 **data, size_t *len)
{
    if (*size < 3)
        return FALSE;
    *flags = (*buf)[0];
    *len = MIN(MIN((size_t)(*buf)[1] | (size_t)(*buf)[2] << 8, *size - 3), max);
    *data = *buf + 3;
    *buf += 3 + *len;
    *size -= 3 + *len;
    return TRUE;
}

static void
build_stream(struct capture *cap, const guint8 *buf, size_t size)
{
    enum { FIN = 1, SYN = 2, PSH = 8, ACK = 16 };
    guint32 seq[2] = { 1000, 500000 };      /* client, server */

    add_tcp(cap, FALSE, seq[0] - 1, 0, SYN, NULL, 0);
    add_tcp(cap, TRUE, seq[1] - 1, seq[0], SYN | ACK, NULL, 0);
    add_tcp(cap, FALSE, seq[0], seq[1], ACK, NULL, 0);
    const guint8 *data;
    size_t len;
    guint8 flags;

    while (cap->count < MAX_FRAMES && next_record(&buf, &size, MAX_SEGMENT, &flags, &data, &len)) {
        int dir = flags & 1;
        if (!(flags & 4)) {
            add_tcp(cap, dir, seq[dir], seq[!dir], PSH | ACK, data, len);
            if (flags & 2)
                add_tcp(cap, dir, seq[dir], seq[!dir], PSH | ACK, data, len);
        }
        seq[dir] += (guint32)len;
    }
    add_tcp(cap, FALSE, seq[0], seq[1], FIN | ACK, NULL, 0);
}

/* Ethernet/IPv4/UDP, checksum zero (none). */
static void
add_udp(struct capture *cap, gboolean s2c, const guint8 *payload, size_t len)
{
    guint8 *f = ip_frame(s2c, 17, 8 + len);

    put16(f + 38, (guint)(8 + len));
    if (len)
        memcpy(f + 42, payload, len);
    add_frame(cap, f, 42 + len);
    g_free(f);
}

static void
build_datagrams(struct capture *cap, const guint8 *buf, size_t size)
{
    const guint8 *data;
    size_t len;
    guint8 flags;

    while (cap->count < MAX_FRAMES && next_record(&buf, &size, MAX_SEGMENT - 8, &flags, &data, &len)) {
        if (!(flags & 4)) {
            add_udp(cap, flags & 1, data, len);
            if (flags & 2)
                add_udp(cap, flags & 1, data, len);
        }
    }
}

static void
build_frames(struct capture *cap, const guint8 *buf, size_t size)
{
    while (size >= 2 && cap->count < MAX_FRAMES) {
        size_t len = (size_t)buf[0] | (size_t)buf[1] << 8;

        buf += 2;
        size -= 2;
        len = MIN(len, size);
        add_frame(cap, buf, len);
        buf += len;
        size -= len;
    }
}

/* ---- dissecting them ---- */

/* What -V printing does: format every item's label. */
static void
fill_labels(proto_node *node, gpointer data _U_)
{
    field_info *fi = PNODE_FINFO(node);
    gchar label[ITEM_LABEL_LENGTH];

    if (fi && !fi->rep)
        wsc_item_fill_label(fi, label);
    proto_tree_children_foreach(node, fill_labels, NULL);
}

static void
dissect_pass(struct packet_provider_data *prov, struct capture *cap, gboolean with_tree)
{
    epan_dissect_t *edt = epan_dissect_new(session, with_tree, with_tree);
    const frame_data *ref = NULL, *prev = NULL;
    nstime_t elapsed = NSTIME_INIT_ZERO;
    guint32 cum = 0;

    for (guint i = 0; i < cap->count; i++) {
        frame_data *fd = &prov->frames[i];
        wtap_rec rec;
        guint len = cap->frames[i]->len;

        wsc_rec_init_packet(&rec, cap->frames[i]->data, len, WTAP_ENCAP_ETHERNET);
        rec.presence_flags = WTAP_HAS_TS | WTAP_HAS_CAP_LEN;
        rec.ts.secs = 1700000000 + (time_t)i;
        rec.ts.nsecs = 0;
        if (!with_tree) {
            frame_data_init(fd, frame_count + i + 1, &rec, (gint64)i * 65600, cum);
        }
        frame_data_set_before_dissect(fd, &elapsed, &ref, prev);
        wsc_dissect_run(edt, &rec, cap->frames[i]->data, len, fd, with_tree ? &cinfo : NULL);
        if (with_tree) {
            epan_dissect_fill_in_columns(edt, FALSE, TRUE);
            proto_tree_children_foreach(edt->tree, fill_labels, NULL);
        } else {
            frame_data_set_after_dissect(fd, &cum);
        }
        prev = fd;
        epan_dissect_reset(edt);
        wtap_rec_cleanup(&rec);
    }
    epan_dissect_free(edt);
}

int LLVMFuzzerTestOneInput(const uint8_t *buf, size_t size);
int
LLVMFuzzerTestOneInput(const uint8_t *buf, size_t size)
{
    static const struct packet_provider_funcs funcs = { .get_frame_ts = get_frame_ts };
    static struct packet_provider_data prov;
    struct capture cap = { .count = 0 };

    if (input_count % SESSION_INPUTS == 0) {
        if (session)
            epan_free(session);
        session = epan_new(&prov, &funcs);
        frame_count = 0;
    }
    input_count++;
    if (feed == FEED_STREAM)
        build_stream(&cap, buf, size);
    else if (feed == FEED_DATAGRAMS)
        build_datagrams(&cap, buf, size);
    else
        build_frames(&cap, buf, size);
    prov.frames = g_new0(frame_data, MAX(cap.count, 1));
    prov.first = frame_count;
    prov.count = cap.count;

    dissect_pass(&prov, &cap, FALSE);
    dissect_pass(&prov, &cap, TRUE);
    frame_count += cap.count;

    for (guint i = 0; i < cap.count; i++) {
        frame_data_destroy(&prov.frames[i]);
        g_byte_array_free(cap.frames[i], TRUE);
    }
    g_free(prov.frames);
    prov.frames = NULL;
    prov.count = 0;
    return 0;
}
