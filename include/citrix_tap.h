/* citrix_tap.h - what the ICA and CGP dissectors queue on their taps
 * ("ica", "cgp"), read by the statistics trees (-z ica,tree, -z cgp,tree,
 * -z citrix,tree) and so by the triage report.  Pointers are valid during
 * the tap callback only, except `session` (and `ica`), which identify a
 * session for the whole file and are the key of a statistics row.
 *
 * Agreed between the CGP (#9), ICA (#10) and triage (#11) issues; change it
 * in one commit that updates every side.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef CITRIX_TAP_H
#define CITRIX_TAP_H
#include <glib.h>
#include "ica_stream.h"

/* ---- tap "ica": one record per ICA chunk dissected ---------------------- */

typedef struct {
    guint16 channel;            /* virtual channel number */
    guint32 bytes;              /* payload bytes written to it in this chunk */
} ica_tap_vc;

typedef struct {
    guint32 rtt_ms;             /* high-throughput header: round-trip estimate (ica-modern.md §2) */
    guint32 bandwidth_bps;      /* ... and bandwidth estimate, bytes per second */
} ica_tap_ht;
/* A header carries either estimate or both: the one it lacks is this
 * (neither field can hold it: rtt is 16 bits, bandwidth at most 2^31). */
#define ICA_TAP_HT_ABSENT G_MAXUINT32

/* What a virtual-channel decoder (plugin/vc/) learned from one message. */
enum ica_tap_fact_kind {
    ICA_TAP_EUEM_ROUNDTRIP = 1,     /* value: ICA round trip in ms (EUEM ICA_RESULT) */
    ICA_TAP_EUEM_CLIENT_NAME,       /* text (EUEM CONNECTION_ID) */
    ICA_TAP_EUEM_CLIENT_ADDRESS,    /* text (EUEM CONNECTION_ID) */
    ICA_TAP_EUEM_APP,               /* text: application (EUEM CLIENT_STARTUP_TIMES) */
    ICA_TAP_EUEM_LAUNCH_MECHANISM,  /* text (EUEM CLIENT_STARTUP_TIMES) */
    ICA_TAP_EUEM_STARTUP_DURATION,  /* text: duration name, value: ms (EUEM CLIENT_STARTUP_TIMES) */
    ICA_TAP_CTL_APP,                /* text: published application (CTXCTL LAUNCH_REQUEST) */
    ICA_TAP_CTL_CMDLINE,            /* text: its command line */
    ICA_TAP_CTL_LAUNCH_STATUS,      /* value: status, text: its name (CTXCTL LAUNCH_RESPONSE) */
    ICA_TAP_CTL_URL,                /* text: URL redirected to the client (CTXCTL SFTA) */
    ICA_TAP_CTL_SESSION_EVENT,      /* value: 1 lock, 2 disconnect, 3 logoff; text: its name */
    ICA_TAP_CLIP_DATA,              /* value: clipboard bytes, text: format name (CTXCLIP PLACE / RENDER_REPLY) */
    /* agreed 2026-12-07 for the decoders of issue 18 and the triage of issue 17 */
    ICA_TAP_CDM_OPEN,               /* text: path opened or created on a client drive (CTXCDM) */
    ICA_TAP_CDM_READ,               /* value: bytes read, text: the file's path (or NULL when not seen) */
    ICA_TAP_CDM_WRITE,              /* value: bytes written, text: as for READ */
    ICA_TAP_CDM_OTHER,              /* text: "<operation> <path>" (delete, rename, ...) */
    ICA_TAP_FILE_TRANSFER,          /* value: size in bytes (-1 unknown), text: file name (CTXFILE) */
    ICA_TAP_CPM_PRINTER,            /* text: printer name (CTXCPM) */
    ICA_TAP_CPM_BYTES,              /* value: bytes spooled to a printer, text: its name or NULL */
    ICA_TAP_USB_DEVICE,             /* text: "vid:pid class ..." as the descriptors give (CTXGUSB) */
    ICA_TAP_CAM_FORMAT,             /* text: "codec rate Hz channels" (CTXCAM) */
    ICA_TAP_TWI_PROCESS,            /* text: process or published application name (CTXTWI) */
    /* added 2026-12-07 (lead) for issue 17's credentials_exposed finding in the GUI */
    ICA_TAP_CREDENTIALS             /* value: password characters, text: its origin ("UI_C2H", "WDCREDENTIALS") */
};

typedef struct {
    guint8 kind;                /* enum ica_tap_fact_kind */
    gint32 value;
    const char *text;           /* packet scope */
} ica_tap_fact;

typedef struct {
    const void *session;        /* the ica_session (ica_carrier.h): one row per session */
    const char *label;          /* "client:port -> server:port" */
    const char *transport;      /* ICA_CARRIER_* of ica_carrier.h: "ica", "tls", "cgp", ... */
    const ica_summary *sum;     /* what the session learned so far */
    guint8 dir;                 /* enum ica_dir */
    guint8 first_of_session;    /* first chunk of this session */
    guint32 wire_bytes;         /* ICA bytes in this chunk */
    guint16 n_vc;
    const ica_tap_vc *vc;       /* virtual-channel writes in this chunk */
    guint16 n_ht;
    const ica_tap_ht *ht;       /* high-throughput headers in this chunk */
    guint16 n_fact;
    const ica_tap_fact *fact;   /* what the channel decoders learned in this chunk */
    guint8 gap;                 /* bytes of this direction missing before this chunk (ica.gap) */
    guint8 desync;              /* framing lost in this chunk (ica.desync.handshake, ica.desync.frame_length) */
} ica_tap_rec;

/* ---- tap "cgp": one record per CGP message ------------------------------ */

enum cgp_tap_event {
    CGP_TAP_MESSAGE = 0,        /* any message */
    CGP_TAP_BIND,               /* a BIND_REQUEST without the reconnect flag: a new session */
    CGP_TAP_RESUME,             /* a BIND_REQUEST with the reconnect flag (cgp.resume_attempt) */
    CGP_TAP_RESUME_REFUSED      /* the answer to a resume gave next message number 0 (cgp.resume_refused) */
};

typedef struct {
    const void *session;        /* the CGP session, stable across resumed TCP connections */
    const char *label;          /* "client:port -> server:port" of the first connection */
    const char *transport;      /* "cgp", "cgp/tls", "cgp/ws" */
    const void *ica;            /* the ica_session carried, NULL until ICA is seen */
    guint8 event;               /* enum cgp_tap_event */
    guint8 cmd;                 /* CGP command byte */
    guint8 dir;                 /* enum ica_dir: 0 client to server */
    guint32 length;             /* record length (cgp.length) */
    guint32 resumed_from;       /* CGP_TAP_RESUME: frame of the BIND_RESPONSE that issued the ticket, 0 = unknown */
} cgp_tap_rec;

/* ---- tap "ccha": one record per data frame or link event ---------------
 * (packet-ccha.c; added by the triage issue #11, additive).  Read by
 * -z ccha,tree and the HA part of -z citrix,tree.
 *
 * (Also #11: packet-citrix-stats.c keeps a frame's "cgp" and "ica" record
 * pointers from their callbacks until that frame's "frame" tap callback, in
 * the same tap push: records live in pinfo->pool, freed only after it.  Its
 * post-dissector reads the records with fetch_tapped_data().) */

enum ccha_tap_kind {
    CCHA_TAP_MESSAGE = 0,       /* a data frame of the link */
    CCHA_TAP_CLOSE,             /* TCP FIN on the link */
    CCHA_TAP_RESET              /* TCP RST on the link */
};

typedef struct {
    const void *link;           /* the link (file scope): one row per link */
    guint32 link_id;            /* 1-based, in order of first data */
    const char *peer;           /* "addr:port" of the peer side (file scope) */
    const char *service;        /* "addr:port" of the service-port side (file scope) */
    const char *carrier;        /* carrier in effect, e.g. "MySQL", "opaque (nothing recognised)" */
    guint8 kind;                /* enum ccha_tap_kind */
    guint8 dir;                 /* 0 to the service port, 1 from it */
    /* CCHA_TAP_MESSAGE only: */
    guint8 new_message;         /* 0: continues a message not yet ended by PSH */
    guint8 has_interval;
    guint8 gap;                 /* interval exceeded the gap threshold (ccha.gap) */
    gint64 interval_ns;         /* since the start of the previous message (has_interval) */
} ccha_tap_rec;

/* ---- tap "edt": one record per Citrix EDT datagram ----------------------
 * (packet-edt.c; added by the EDT issue #16, additive): the UDT ACK's RTT
 * and the datagrams lost, for the triage report. */

typedef struct {
    const void *session;        /* the EDT connection (file scope): one row per connection */
    const char *label;          /* "client:port -> server:port" (file scope) */
    const char *transport;      /* ICA_CARRIER_CGP_EDT or ICA_CARRIER_EDT */
    guint8 dir;                 /* enum ica_dir of the sender */
    guint8 control;             /* 1: control packet (type), 0: data */
    guint16 type;               /* UDT control type */
    guint8 order;               /* data: 1 in order, 2 held (out of order), 3 duplicate; 0 control */
    guint8 has_rtt;             /* a full ACK: rtt_us and rtt_var_us valid */
    guint32 rtt_us;             /* the ACK's RTT estimate, microseconds */
    guint32 rtt_var_us;
    guint32 lost;               /* data datagrams never captured before this frame's delivery */
} edt_tap_rec;

/* ---- queueing ------------------------------------------------------------- */

/* Queue rec on the tap and keep it with the packet (pinfo->pool) for the
 * session summary postdissector (packet-citrix-stats.c): the GUI dissects
 * the packet it shows without running taps, so fetch_tapped_data would
 * find nothing there.  Every "ica", "cgp", "ccha" and "edt" record goes
 * through here. */
struct _packet_info;
void citrix_tap_queue(int tap_id, struct _packet_info *pinfo, const void *rec);

#endif
