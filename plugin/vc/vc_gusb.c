/* vc_gusb.c - CTXGUSB, generic USB redirection (shared notes vc.md §7).
 * Sources: the Citrix Receiver for HTML5's UsbEngine (search-index file
 * 9207988744: "USBProtocol.c - Definitions for the generic USB protocol",
 * command numbers, URB flags, speeds, status codes, capabilities, SendDevice,
 * sendUrbResponse, the on* readers) and its descriptor code (9614277073: the
 * string descriptor wire frame, the descriptors it sends).  USB descriptor
 * layouts and class codes: the USB 2.0 specification.
 *
 * Every message: u32 bytecount (the whole message, this 7-byte header
 * included), u8 command, u16 deviceId, then the body.  Little-endian.
 *   0x00 BIND_REQUEST (host): the host's capabilities, which the HTML5
 *        client skips unread (bytes, undecoded)
 *   0x01 BIND_RESPONSE (client) / 0x02 BIND_COMMIT (host): u16 capabilities
 *        length, then capabilities u16 bytecount (its data only), u16 id, data
 *   0x10 ANNOUNCE_DEVICE (client): u16 speed, u16 hub flags, u16 strings
 *        length, strings (u8 index, u16 langid, u16 byte length, UTF-16LE
 *        text), u16 length + the device descriptor, u16 length + the
 *        configuration descriptor with its interfaces and endpoints
 *        (plugin/core/vc_dev.c walks them; the vendor, product, classes and
 *        strings go to the ica tap)
 *   0x11 ANNOUNCE_DEVICE_VETOED (client), 0x12 ACCEPT_DEVICE, 0x13
 *        REJECT_DEVICE, 0x33 RESET_DEVICE (host), 0x34 STOP_DEVICE, 0x36
 *        DEVICE_GONE (client): header only
 *   0x1F URB_STATUS (client): u16 urbHandle, u32 status
 *   0x20 URB_RESPONSE (client): u16 urbHandle, u32 status, u32 length, data
 *   0x21 GET_STRING (host): u16 urbHandle, u16 langId, u8 index
 *   0x22 SELECT_CONFIGURATION: u16 urbHandle, u8 configuration index
 *   0x23 SELECT_INTERFACE: u16 urbHandle, u8 interface, u8 alternate
 *   0x24 SEND_URB_CONTROL: u16 urbHandle, u8 endpoint, u16 flags, u8
 *        bmRequestType, u8 bRequest, u16 wValue, u16 wIndex, u32 length,
 *        then the OUT data (none when flags has DIRECTION_IN)
 *   0x25/0x26 SEND_URB_BULK / _INTERRUPT: u16 urbHandle, u8 endpoint, u16
 *        flags, u32 length, OUT data as for control
 *   0x27 SEND_URB_ISOCHRONOUS: u16 urbHandle, u8 endpoint, u16 flags, u32
 *        startFrame, u32 requestedAt, u16 numberOfPackets, u32 length; the
 *        HTML5 client reads the per-packet part differently for IN and OUT
 *        and inconsistently: the rest stays undecoded
 *   0x30 URB_CANCEL: u16 urbHandle.  0x31 RESET_ENDPOINT / 0x32
 *        CLEAR_HALT_AND_RESET_ENDPOINT: u8 endpoint.  0x35
 *        STOP_DEVICE_RESPONSE (host): u32 status
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <epan/packet.h>
#include <epan/expert.h>
#include "packet-ica-vc.h"
#include "vc_dev.h"

void proto_register_ica_gusb(void);
void proto_reg_handoff_ica_gusb(void);

static int proto_gusb = -1;
static int hf_bytecount = -1;
static int hf_cmd = -1;
static int hf_device_id = -1;
static int hf_caps_length = -1;
static int hf_cap_length = -1;
static int hf_cap_id = -1;
static int hf_cap_data = -1;
static int hf_speed = -1;
static int hf_hub_flags = -1;
static int hf_hub_speed = -1;
static int hf_hub_self_powered = -1;
static int hf_strings_length = -1;
static int hf_string_index = -1;
static int hf_string_langid = -1;
static int hf_string_length = -1;
static int hf_string_text = -1;
static int hf_string_langids = -1;
static int hf_device_desc_length = -1;
static int hf_config_desc_length = -1;
static int hf_desc_length = -1;
static int hf_desc_type = -1;
static int hf_desc_data = -1;
static int hf_bcd_usb = -1;
static int hf_dev_class = -1;
static int hf_dev_subclass = -1;
static int hf_dev_protocol = -1;
static int hf_max_packet0 = -1;
static int hf_vendor_id = -1;
static int hf_product_id = -1;
static int hf_bcd_device = -1;
static int hf_i_manufacturer = -1;
static int hf_i_product = -1;
static int hf_i_serial = -1;
static int hf_num_configs = -1;
static int hf_total_length = -1;
static int hf_num_interfaces = -1;
static int hf_config_value = -1;
static int hf_i_configuration = -1;
static int hf_config_attributes = -1;
static int hf_max_power = -1;
static int hf_if_number = -1;
static int hf_if_alternate = -1;
static int hf_if_endpoints = -1;
static int hf_if_class = -1;
static int hf_if_subclass = -1;
static int hf_if_protocol = -1;
static int hf_i_interface = -1;
static int hf_ep_address = -1;
static int hf_ep_attributes = -1;
static int hf_ep_max_packet = -1;
static int hf_ep_interval = -1;
static int hf_manufacturer = -1;
static int hf_product = -1;
static int hf_serial = -1;
static int hf_device = -1;
static int hf_urb_handle = -1;
static int hf_status = -1;
static int hf_data_length = -1;
static int hf_data = -1;
static int hf_langid = -1;
static int hf_index = -1;
static int hf_config_index = -1;
static int hf_interface = -1;
static int hf_alternate = -1;
static int hf_endpoint = -1;
static int hf_urb_flags = -1;
static int hf_urb_flag_in = -1;
static int hf_urb_flag_short_ok = -1;
static int hf_urb_flag_default_pipe = -1;
static int hf_urb_flag_asap = -1;
static int hf_request_type = -1;
static int hf_request = -1;
static int hf_value = -1;
static int hf_windex = -1;
static int hf_start_frame = -1;
static int hf_requested_at = -1;
static int hf_packet_count = -1;
static int hf_undecoded = -1;
static int ett_gusb = -1;
static int ett_gusb_block = -1;
static int ett_gusb_desc = -1;
static int ett_gusb_flags = -1;
static expert_field ei_length = EI_INIT;
static expert_field ei_descriptor = EI_INIT;
static expert_field ei_status = EI_INIT;
static expert_field ei_trailing = EI_INIT;
static expert_field ei_vetoed = EI_INIT;
static expert_field ei_undecoded = EI_INIT;

#define GUSB_MAX_LEN 0x400000       /* the longest message kept for reassembly (4 MiB) */
#define URB_DIRECTION_IN 0x0001

static const value_string cmd_vals[] = {
    { GUSB_BIND_REQUEST, "BIND_REQUEST" }, { GUSB_BIND_RESPONSE, "BIND_RESPONSE" },
    { GUSB_BIND_COMMIT, "BIND_COMMIT" }, { GUSB_ANNOUNCE_DEVICE, "ANNOUNCE_DEVICE" },
    { GUSB_ANNOUNCE_DEVICE_VETOED, "ANNOUNCE_DEVICE_VETOED" }, { GUSB_ACCEPT_DEVICE, "ACCEPT_DEVICE" },
    { GUSB_REJECT_DEVICE, "REJECT_DEVICE" }, { GUSB_URB_STATUS, "URB_STATUS" },
    { GUSB_URB_RESPONSE, "URB_RESPONSE" }, { GUSB_GET_STRING, "GET_STRING" },
    { GUSB_SELECT_CONFIGURATION, "SELECT_CONFIGURATION" }, { GUSB_SELECT_INTERFACE, "SELECT_INTERFACE" },
    { GUSB_SEND_URB_CONTROL, "SEND_URB_CONTROL" }, { GUSB_SEND_URB_BULK, "SEND_URB_BULK" },
    { GUSB_SEND_URB_INTERRUPT, "SEND_URB_INTERRUPT" }, { GUSB_SEND_URB_ISOCHRONOUS, "SEND_URB_ISOCHRONOUS" },
    { GUSB_URB_CANCEL, "URB_CANCEL" }, { GUSB_RESET_ENDPOINT, "RESET_ENDPOINT" },
    { GUSB_CLEAR_HALT_AND_RESET_ENDPOINT, "CLEAR_HALT_AND_RESET_ENDPOINT" },
    { GUSB_RESET_DEVICE, "RESET_DEVICE" }, { GUSB_STOP_DEVICE, "STOP_DEVICE" },
    { GUSB_STOP_DEVICE_RESPONSE, "STOP_DEVICE_RESPONSE" }, { GUSB_DEVICE_GONE, "DEVICE_GONE" }, { 0, NULL }
};

static const value_string cap_vals[] = {
    { 1, "ISO_SUPPORTED" }, { 2, "HINT_AVOID_ISO_VIDEO" }, { 3, "HINT_AVOID_STILL_IMAGE" }, { 0, NULL }
};

static const value_string speed_vals[] = { { 0, "LOW" }, { 1, "FULL" }, { 2, "HIGH" }, { 0, NULL } };

static const value_string status_vals[] = {
    { 0x00000000, "SUCCESS" }, { 0x00000001, "CANCELLED" }, { 0x00000002, "STALLED" }, { 0x00000003, "GONE" },
    { 0x00000004, "IN_USE" }, { 0x00000005, "BABBLE" }, { 0xFFFFFFFF, "FAILED" }, { 0, NULL }
};

/* descriptor types (the HTML5 client's DescriptorType list, USB 2.0) */
static const value_string desc_type_vals[] = {
    { USB_DT_DEVICE, "DEVICE" }, { USB_DT_CONFIG, "CONFIGURATION" }, { USB_DT_STRING, "STRING" },
    { USB_DT_INTERFACE, "INTERFACE" }, { USB_DT_ENDPOINT, "ENDPOINT" }, { 6, "DEVICE_QUALIFIER" },
    { 7, "OTHER_SPEED_CONFIGURATION" }, { 8, "INTERFACE_POWER" }, { 16, "DEVICE_CAPABILITY" }, { 0, NULL }
};

/* standard requests (bmRequestType type 0; the HTML5 client's UsbRequest list) */
static const value_string std_request_vals[] = {
    { 0, "GET_STATUS" }, { 1, "CLEAR_FEATURE" }, { 3, "SET_FEATURE" }, { 4, "SET_ADDRESS" },
    { 6, "GET_DESCRIPTOR" }, { 7, "SET_DESCRIPTOR" }, { 8, "GET_CONFIGURATION" }, { 9, "SET_CONFIGURATION" },
    { 10, "GET_INTERFACE" }, { 11, "SET_INTERFACE" }, { 12, "SYNCH_FRAME" }, { 49, "SET_ISOCH_DELAY" }, { 0, NULL }
};

/* USB class codes as vc_usb_class_name() names them, for the fields */
static const value_string class_vals[] = {
    { 0x00, "per interface" }, { 0x01, "Audio" }, { 0x02, "CDC" }, { 0x03, "HID" }, { 0x05, "Physical" },
    { 0x06, "Image" }, { 0x07, "Printer" }, { 0x08, "Mass Storage" }, { 0x09, "Hub" }, { 0x0A, "CDC Data" },
    { 0x0B, "Smart Card" }, { 0x0D, "Content Security" }, { 0x0E, "Video" }, { 0x0F, "Personal Healthcare" },
    { 0x10, "Audio/Video" }, { 0x11, "Billboard" }, { 0x12, "USB Type-C Bridge" }, { 0xDC, "Diagnostic" },
    { 0xE0, "Wireless Controller" }, { 0xEF, "Miscellaneous" }, { 0xFE, "Application Specific" },
    { 0xFF, "Vendor Specific" }, { 0, NULL }
};

/* A u16 length then that many bytes at off (caps block, announcement blocks): the
 * length to use, with an expert mark when it runs past the message. */
static guint32 checked_len(tvbuff_t *t, packet_info *pinfo, proto_item *li, guint32 off, guint32 claimed)
{
    guint32 len = tvb_reported_length(t), have = off < len ? len - off : 0;
    if (claimed <= have)
        return claimed;
    expert_add_info_format(pinfo, li, &ei_length, "Length %u: only %u bytes in the message", claimed, have);
    return have;
}

/* BIND_RESPONSE / BIND_COMMIT: u16 caps length, caps {u16 data bytecount, u16 id, data} */
static void add_caps(tvbuff_t *t, packet_info *pinfo, proto_tree *tree, wmem_strbuf_t *sum)
{
    guint32 len = tvb_reported_length(t), claimed, off = GUSB_HDR + 2, n = 0;
    if (len < GUSB_HDR + 2)
        return;
    proto_item *li = proto_tree_add_item_ret_uint(tree, hf_caps_length, t, GUSB_HDR, 2, ENC_LITTLE_ENDIAN, &claimed);
    guint32 end = off + checked_len(t, pinfo, li, off, claimed);
    while (off + 4 <= end) {
        guint32 cb = tvb_get_letohs(t, off), id = tvb_get_letohs(t, off + 2);
        guint32 dlen = MIN(cb, end - off - 4);
        proto_tree *ct = proto_tree_add_subtree_format(tree, t, off, 4 + dlen, ett_gusb_block, NULL,
                                                       "Capability %s", wsc_val_to_str(pinfo->pool, id, cap_vals,
                                                                                       "%u"));
        proto_item *ci = proto_tree_add_item(ct, hf_cap_length, t, off, 2, ENC_LITTLE_ENDIAN);
        proto_tree_add_item(ct, hf_cap_id, t, off + 2, 2, ENC_LITTLE_ENDIAN);
        if (dlen < cb)
            expert_add_info_format(pinfo, ci, &ei_length, "Capability of %u bytes runs past the capabilities "
                                   "(%u left)", cb, dlen);
        if (dlen)
            proto_tree_add_item(ct, hf_cap_data, t, off + 4, dlen, ENC_NA);
        off += 4 + dlen;
        n++;
    }
    if (off < end)
        proto_tree_add_item(tree, hf_undecoded, t, off, end - off, ENC_NA);
    if (end < len)
        expert_add_info(pinfo, proto_tree_add_item(tree, hf_undecoded, t, end, len - end, ENC_NA), &ei_trailing);
    wmem_strbuf_append_printf(sum, " %u capabilit%s", n, n == 1 ? "y" : "ies");
}

/* The strings block: each u8 index, u16 langid, u16 byte length, text (index 0: the language ids). */
static void add_strings(tvbuff_t *t, packet_info *pinfo, proto_tree *tree, const guint8 *body,
                        const vc_usb_announce *a)
{
    vc_usb_string s;
    for (guint32 i = 0; vc_usb_string_at(body, a, i, &s); i++) {
        guint32 off = GUSB_HDR + s.off - GUSB_STRING_HDR;
        proto_tree *st = proto_tree_add_subtree_format(tree, t, off, GUSB_STRING_HDR + s.len, ett_gusb_block, NULL,
                                                       "String descriptor %u", s.index);
        proto_tree_add_item(st, hf_string_index, t, off, 1, ENC_NA);
        proto_tree_add_item(st, hf_string_langid, t, off + 1, 2, ENC_LITTLE_ENDIAN);
        proto_item *li = proto_tree_add_item(st, hf_string_length, t, off + 3, 2, ENC_LITTLE_ENDIAN);
        if (s.len < s.claimed)
            expert_add_info_format(pinfo, li, &ei_length, "String of %u bytes runs past the strings block (%u "
                                   "left)", s.claimed, s.len);
        if (!s.len)
            continue;
        if (s.index == 0) {         /* the language list */
            for (guint32 k = 0; k + 2 <= s.len; k += 2)
                proto_tree_add_item(st, hf_string_langids, t, off + GUSB_STRING_HDR + k, 2, ENC_LITTLE_ENDIAN);
        } else {
            proto_tree_add_item(st, hf_string_text, t, off + GUSB_STRING_HDR, s.len & ~1u,
                                ENC_UTF_16 | ENC_LITTLE_ENDIAN);
        }
    }
}

/* One descriptor of the device or configuration block at off (message offsets). */
static void add_descriptor(tvbuff_t *t, proto_tree *tree, guint32 off, guint8 blen, guint8 type)
{
    proto_tree *dt = proto_tree_add_subtree_format(tree, t, off, blen, ett_gusb_desc, NULL, "%s descriptor",
                                                   val_to_str_const(type, desc_type_vals, "Other"));
    proto_tree_add_item(dt, hf_desc_length, t, off, 1, ENC_NA);
    proto_tree_add_item(dt, hf_desc_type, t, off + 1, 1, ENC_NA);
    if (type == USB_DT_DEVICE && blen >= USB_DEVICE_DESC_LEN) {
        proto_tree_add_item(dt, hf_bcd_usb, t, off + 2, 2, ENC_LITTLE_ENDIAN);
        proto_tree_add_item(dt, hf_dev_class, t, off + 4, 1, ENC_NA);
        proto_tree_add_item(dt, hf_dev_subclass, t, off + 5, 1, ENC_NA);
        proto_tree_add_item(dt, hf_dev_protocol, t, off + 6, 1, ENC_NA);
        proto_tree_add_item(dt, hf_max_packet0, t, off + 7, 1, ENC_NA);
        proto_tree_add_item(dt, hf_vendor_id, t, off + 8, 2, ENC_LITTLE_ENDIAN);
        proto_tree_add_item(dt, hf_product_id, t, off + 10, 2, ENC_LITTLE_ENDIAN);
        proto_tree_add_item(dt, hf_bcd_device, t, off + 12, 2, ENC_LITTLE_ENDIAN);
        proto_tree_add_item(dt, hf_i_manufacturer, t, off + 14, 1, ENC_NA);
        proto_tree_add_item(dt, hf_i_product, t, off + 15, 1, ENC_NA);
        proto_tree_add_item(dt, hf_i_serial, t, off + 16, 1, ENC_NA);
        proto_tree_add_item(dt, hf_num_configs, t, off + 17, 1, ENC_NA);
        if (blen > USB_DEVICE_DESC_LEN)
            proto_tree_add_item(dt, hf_desc_data, t, off + USB_DEVICE_DESC_LEN, blen - USB_DEVICE_DESC_LEN, ENC_NA);
    } else if (type == USB_DT_CONFIG && blen >= USB_CONFIG_DESC_LEN) {
        proto_tree_add_item(dt, hf_total_length, t, off + 2, 2, ENC_LITTLE_ENDIAN);
        proto_tree_add_item(dt, hf_num_interfaces, t, off + 4, 1, ENC_NA);
        proto_tree_add_item(dt, hf_config_value, t, off + 5, 1, ENC_NA);
        proto_tree_add_item(dt, hf_i_configuration, t, off + 6, 1, ENC_NA);
        proto_tree_add_item(dt, hf_config_attributes, t, off + 7, 1, ENC_NA);
        proto_item *pi = proto_tree_add_item(dt, hf_max_power, t, off + 8, 1, ENC_NA);
        proto_item_append_text(pi, " (%u mA)", 2u * tvb_get_uint8(t, off + 8));
        if (blen > USB_CONFIG_DESC_LEN)
            proto_tree_add_item(dt, hf_desc_data, t, off + USB_CONFIG_DESC_LEN, blen - USB_CONFIG_DESC_LEN, ENC_NA);
    } else if (type == USB_DT_INTERFACE && blen >= USB_INTERFACE_DESC_LEN) {
        guint8 cls = tvb_get_uint8(t, off + 5);
        proto_item_append_text(dt, " %u/%u: %s", tvb_get_uint8(t, off + 2), tvb_get_uint8(t, off + 3),
                               val_to_str_const(cls, class_vals, "class unknown"));
        proto_tree_add_item(dt, hf_if_number, t, off + 2, 1, ENC_NA);
        proto_tree_add_item(dt, hf_if_alternate, t, off + 3, 1, ENC_NA);
        proto_tree_add_item(dt, hf_if_endpoints, t, off + 4, 1, ENC_NA);
        proto_tree_add_item(dt, hf_if_class, t, off + 5, 1, ENC_NA);
        proto_tree_add_item(dt, hf_if_subclass, t, off + 6, 1, ENC_NA);
        proto_tree_add_item(dt, hf_if_protocol, t, off + 7, 1, ENC_NA);
        proto_tree_add_item(dt, hf_i_interface, t, off + 8, 1, ENC_NA);
        if (blen > USB_INTERFACE_DESC_LEN)
            proto_tree_add_item(dt, hf_desc_data, t, off + USB_INTERFACE_DESC_LEN, blen - USB_INTERFACE_DESC_LEN,
                                ENC_NA);
    } else if (type == USB_DT_ENDPOINT && blen >= 7) {
        proto_item_append_text(dt, " 0x%02x", tvb_get_uint8(t, off + 2));
        proto_tree_add_item(dt, hf_ep_address, t, off + 2, 1, ENC_NA);
        proto_tree_add_item(dt, hf_ep_attributes, t, off + 3, 1, ENC_NA);
        proto_tree_add_item(dt, hf_ep_max_packet, t, off + 4, 2, ENC_LITTLE_ENDIAN);
        proto_tree_add_item(dt, hf_ep_interval, t, off + 6, 1, ENC_NA);
        if (blen > 7)
            proto_tree_add_item(dt, hf_desc_data, t, off + 7, blen - 7, ENC_NA);
    } else if (blen > 2) {
        proto_tree_add_item(dt, hf_desc_data, t, off + 2, blen - 2, ENC_NA);
    }
}

/* The device or configuration block: its descriptors in turn. */
static void add_desc_block(tvbuff_t *t, packet_info *pinfo, proto_tree *tree, proto_item *li, const guint8 *body,
                           const vc_usb_block *b)
{
    guint32 off = b->off;
    guint8 blen, type;
    int r;
    while ((r = vc_usb_desc_at(body, b, off, &blen, &type)) == 1) {
        add_descriptor(t, tree, GUSB_HDR + off, blen, type);
        off += blen;
    }
    if (r < 0) {
        guint32 end = b->off + b->len;
        proto_item *bi = proto_tree_add_item(tree, hf_desc_data, t, GUSB_HDR + off, end - off, ENC_NA);
        expert_add_info_format(pinfo, bi ? bi : li, &ei_descriptor, "Descriptor bLength %u: below 2 or past the "
                               "block (%u bytes left)", off < end ? body[off] : 0, end - off);
    }
}

static void add_announce(tvbuff_t *t, packet_info *pinfo, proto_tree *tree, guint32 dev_id, wmem_strbuf_t *sum)
{
    static int *const hub_bits[] = { &hf_hub_speed, &hf_hub_self_powered, NULL };
    guint32 len = tvb_captured_length(t);      /* the core reads the bytes there are */
    if (len < GUSB_HDR + 4) {
        if (len > GUSB_HDR)
            proto_tree_add_item(tree, hf_undecoded, t, GUSB_HDR, len - GUSB_HDR, ENC_NA);
        return;
    }
    guint32 blen = len - GUSB_HDR;
    const guint8 *body = tvb_get_ptr(t, GUSB_HDR, blen);
    vc_usb_announce a;
    vc_usb_announce_parse(body, blen, &a);
    proto_tree_add_item(tree, hf_speed, t, GUSB_HDR, 2, ENC_LITTLE_ENDIAN);
    proto_tree_add_bitmask(tree, t, GUSB_HDR + 2, hf_hub_flags, ett_gusb_flags, hub_bits, ENC_LITTLE_ENDIAN);
    static int *const len_hf[3] = { &hf_strings_length, &hf_device_desc_length, &hf_config_desc_length };
    const vc_usb_block *blocks[3] = { &a.strings, &a.device, &a.config };
    static const char *const names[3] = { "String descriptors", "Device descriptor", "Configuration descriptor" };
    for (guint i = 0; i < a.blocks; i++) {
        const vc_usb_block *b = blocks[i];
        proto_tree *bt = proto_tree_add_subtree_format(tree, t, GUSB_HDR + b->len_off, 2 + b->len, ett_gusb_block,
                                                       NULL, "%s (%u bytes)", names[i], b->len);
        proto_item *li = proto_tree_add_item(bt, *len_hf[i], t, GUSB_HDR + b->len_off, 2, ENC_LITTLE_ENDIAN);
        if (a.short_block & (1u << i))
            expert_add_info_format(pinfo, li, &ei_length, "Length %u: only %u bytes in the message", b->claimed,
                                   b->len);
        if (i == 0)
            add_strings(t, pinfo, bt, body, &a);
        else
            add_desc_block(t, pinfo, bt, li, body, b);
    }
    if (!a.complete) {
        guint32 end = a.blocks ? blocks[a.blocks - 1]->off + blocks[a.blocks - 1]->len : 4;
        proto_item *ui = proto_tree_add_item(tree, hf_undecoded, t, GUSB_HDR + end, blen - end, ENC_NA);
        expert_add_info_format(pinfo, ui ? ui : tree, &ei_length, "Announcement ends after %u of its 3 blocks",
                               a.blocks);
    } else if (a.trailing) {
        expert_add_info(pinfo, proto_tree_add_item(tree, hf_undecoded, t, len - a.trailing, a.trailing, ENC_NA),
                        &ei_trailing);
    }
    char text[320], man[128], prod[128], ser[128];
    vc_usb_string_utf8(body, &a, a.i_manufacturer, man, sizeof man);
    vc_usb_string_utf8(body, &a, a.i_product, prod, sizeof prod);
    vc_usb_string_utf8(body, &a, a.i_serial, ser, sizeof ser);
    if (man[0])
        proto_item_set_generated(proto_tree_add_string(tree, hf_manufacturer, t, 0, 0, man));
    if (prod[0])
        proto_item_set_generated(proto_tree_add_string(tree, hf_product, t, 0, 0, prod));
    if (ser[0])
        proto_item_set_generated(proto_tree_add_string(tree, hf_serial, t, 0, 0, ser));
    vc_usb_device_text(body, &a, text, sizeof text);
    proto_item_set_generated(proto_tree_add_string(tree, hf_device, t, 0, 0, text));
    wmem_strbuf_append_printf(sum, " %s", text);
    if (a.has_device)
        ica_vc_tap_fact(pinfo, ICA_TAP_USB_DEVICE, (gint32)dev_id, wmem_strdup(pinfo->pool, text));
}

static const char *status_text(packet_info *pinfo, proto_item *si, guint32 status)
{
    const char *s = wsc_val_to_str(pinfo->pool, status, status_vals, "status 0x%08x");
    if (status != 0)
        expert_add_info_format(pinfo, si, &ei_status, "URB %s", s);
    return s;
}

/* urbHandle at 7 */
static guint32 add_urb_handle(tvbuff_t *t, proto_tree *tree, wmem_strbuf_t *sum)
{
    guint32 h;
    proto_tree_add_item_ret_uint(tree, hf_urb_handle, t, GUSB_HDR, 2, ENC_LITTLE_ENDIAN, &h);
    wmem_strbuf_append_printf(sum, " urb %u", h);
    return h;
}

/* u32 length at off, then the data when there is some (OUT transfers, responses) */
static void add_data(tvbuff_t *t, packet_info *pinfo, proto_tree *tree, guint32 off, gboolean with_data,
                     wmem_strbuf_t *sum)
{
    guint32 dlen, len = tvb_reported_length(t);
    proto_item *li = proto_tree_add_item_ret_uint(tree, hf_data_length, t, off, 4, ENC_LITTLE_ENDIAN, &dlen);
    wmem_strbuf_append_printf(sum, " %u bytes", dlen);
    off += 4;
    guint32 have = off < len ? len - off : 0;
    if (!with_data) {
        if (have)
            expert_add_info(pinfo, proto_tree_add_item(tree, hf_undecoded, t, off, have, ENC_NA), &ei_trailing);
        return;
    }
    guint32 n = checked_len(t, pinfo, li, off, dlen);
    if (n)
        proto_tree_add_item(tree, hf_data, t, off, n, ENC_NA);
    if (have > n)
        expert_add_info(pinfo, proto_tree_add_item(tree, hf_undecoded, t, off + n, have - n, ENC_NA), &ei_trailing);
}

static guint32 add_urb_flags(tvbuff_t *t, proto_tree *tree, guint32 off)
{
    static int *const bits[] = { &hf_urb_flag_in, &hf_urb_flag_short_ok, &hf_urb_flag_default_pipe, &hf_urb_flag_asap,
                                 NULL };
    guint64 flags;
    proto_tree_add_bitmask_ret_uint64(tree, t, off, hf_urb_flags, ett_gusb_flags, bits, ENC_LITTLE_ENDIAN, &flags);
    return (guint32)flags;
}

static void add_body(tvbuff_t *t, packet_info *pinfo, proto_tree *gt, guint32 cmd, guint32 dev_id,
                     wmem_strbuf_t *sum)
{
    guint32 len = tvb_reported_length(t), fixed = GUSB_HDR;
    switch (cmd) {
    case GUSB_BIND_RESPONSE:
    case GUSB_BIND_COMMIT:
        add_caps(t, pinfo, gt, sum);
        return;
    case GUSB_ANNOUNCE_DEVICE:
        add_announce(t, pinfo, gt, dev_id, sum);
        return;
    case GUSB_ANNOUNCE_DEVICE_VETOED:
        expert_add_info(pinfo, gt, &ei_vetoed);
        break;
    case GUSB_URB_STATUS: {
        guint32 st;
        add_urb_handle(t, gt, sum);
        proto_item *si = proto_tree_add_item_ret_uint(gt, hf_status, t, GUSB_HDR + 2, 4, ENC_LITTLE_ENDIAN, &st);
        wmem_strbuf_append_printf(sum, " %s", status_text(pinfo, si, st));
        fixed = GUSB_HDR + 6;
        break;
    }
    case GUSB_URB_RESPONSE: {
        guint32 st;
        add_urb_handle(t, gt, sum);
        proto_item *si = proto_tree_add_item_ret_uint(gt, hf_status, t, GUSB_HDR + 2, 4, ENC_LITTLE_ENDIAN, &st);
        wmem_strbuf_append_printf(sum, " %s", status_text(pinfo, si, st));
        add_data(t, pinfo, gt, GUSB_HDR + 6, TRUE, sum);
        return;
    }
    case GUSB_GET_STRING: {
        guint32 lang, idx;
        add_urb_handle(t, gt, sum);
        proto_tree_add_item_ret_uint(gt, hf_langid, t, GUSB_HDR + 2, 2, ENC_LITTLE_ENDIAN, &lang);
        proto_tree_add_item_ret_uint(gt, hf_index, t, GUSB_HDR + 4, 1, ENC_NA, &idx);
        wmem_strbuf_append_printf(sum, " string %u lang 0x%04x", idx, lang);
        fixed = GUSB_HDR + 5;
        break;
    }
    case GUSB_SELECT_CONFIGURATION: {
        guint32 ci;
        add_urb_handle(t, gt, sum);
        proto_tree_add_item_ret_uint(gt, hf_config_index, t, GUSB_HDR + 2, 1, ENC_NA, &ci);
        wmem_strbuf_append_printf(sum, " configuration %u", ci);
        fixed = GUSB_HDR + 3;
        break;
    }
    case GUSB_SELECT_INTERFACE: {
        guint32 i, alt;
        add_urb_handle(t, gt, sum);
        proto_tree_add_item_ret_uint(gt, hf_interface, t, GUSB_HDR + 2, 1, ENC_NA, &i);
        proto_tree_add_item_ret_uint(gt, hf_alternate, t, GUSB_HDR + 3, 1, ENC_NA, &alt);
        wmem_strbuf_append_printf(sum, " interface %u/%u", i, alt);
        fixed = GUSB_HDR + 4;
        break;
    }
    case GUSB_SEND_URB_CONTROL: {
        guint32 ep, rt, req;
        add_urb_handle(t, gt, sum);
        proto_tree_add_item_ret_uint(gt, hf_endpoint, t, GUSB_HDR + 2, 1, ENC_NA, &ep);
        guint32 flags = add_urb_flags(t, gt, GUSB_HDR + 3);
        proto_tree_add_item_ret_uint(gt, hf_request_type, t, GUSB_HDR + 5, 1, ENC_NA, &rt);
        proto_item *ri = proto_tree_add_item_ret_uint(gt, hf_request, t, GUSB_HDR + 6, 1, ENC_NA, &req);
        if ((rt & 0x60) == 0) {     /* a standard request */
            const char *rn = try_val_to_str(req, std_request_vals);
            if (rn) {
                proto_item_append_text(ri, " (%s)", rn);
                wmem_strbuf_append_printf(sum, " %s", rn);
            }
        }
        proto_tree_add_item(gt, hf_value, t, GUSB_HDR + 7, 2, ENC_LITTLE_ENDIAN);
        proto_tree_add_item(gt, hf_windex, t, GUSB_HDR + 9, 2, ENC_LITTLE_ENDIAN);
        add_data(t, pinfo, gt, GUSB_HDR + 11, !(flags & URB_DIRECTION_IN), sum);
        return;
    }
    case GUSB_SEND_URB_BULK:
    case GUSB_SEND_URB_INTERRUPT: {
        guint32 ep;
        add_urb_handle(t, gt, sum);
        proto_tree_add_item_ret_uint(gt, hf_endpoint, t, GUSB_HDR + 2, 1, ENC_NA, &ep);
        guint32 flags = add_urb_flags(t, gt, GUSB_HDR + 3);
        wmem_strbuf_append_printf(sum, " ep 0x%02x %s", ep, (flags & URB_DIRECTION_IN) ? "in" : "out");
        add_data(t, pinfo, gt, GUSB_HDR + 5, !(flags & URB_DIRECTION_IN), sum);
        return;
    }
    case GUSB_SEND_URB_ISOCHRONOUS: {
        guint32 ep, n;
        add_urb_handle(t, gt, sum);
        proto_tree_add_item_ret_uint(gt, hf_endpoint, t, GUSB_HDR + 2, 1, ENC_NA, &ep);
        add_urb_flags(t, gt, GUSB_HDR + 3);
        proto_tree_add_item(gt, hf_start_frame, t, GUSB_HDR + 5, 4, ENC_LITTLE_ENDIAN);
        proto_tree_add_item(gt, hf_requested_at, t, GUSB_HDR + 9, 4, ENC_LITTLE_ENDIAN);
        proto_tree_add_item_ret_uint(gt, hf_packet_count, t, GUSB_HDR + 13, 2, ENC_LITTLE_ENDIAN, &n);
        proto_tree_add_item(gt, hf_data_length, t, GUSB_HDR + 15, 4, ENC_LITTLE_ENDIAN);
        wmem_strbuf_append_printf(sum, " ep 0x%02x %u packets", ep, n);
        if (len > GUSB_HDR + 19)    /* per-packet part: no consistent public layout */
            expert_add_info(pinfo, proto_tree_add_item(gt, hf_undecoded, t, GUSB_HDR + 19, len - GUSB_HDR - 19,
                                                       ENC_NA), &ei_undecoded);
        return;
    }
    case GUSB_URB_CANCEL:
        add_urb_handle(t, gt, sum);
        fixed = GUSB_HDR + 2;
        break;
    case GUSB_RESET_ENDPOINT:
    case GUSB_CLEAR_HALT_AND_RESET_ENDPOINT: {
        guint32 ep;
        proto_tree_add_item_ret_uint(gt, hf_endpoint, t, GUSB_HDR, 1, ENC_NA, &ep);
        wmem_strbuf_append_printf(sum, " ep 0x%02x", ep);
        fixed = GUSB_HDR + 1;
        break;
    }
    case GUSB_STOP_DEVICE_RESPONSE: {
        guint32 st;
        proto_item *si = proto_tree_add_item_ret_uint(gt, hf_status, t, GUSB_HDR, 4, ENC_LITTLE_ENDIAN, &st);
        wmem_strbuf_append_printf(sum, " %s", status_text(pinfo, si, st));
        fixed = GUSB_HDR + 4;
        break;
    }
    case GUSB_ACCEPT_DEVICE:
    case GUSB_REJECT_DEVICE:
    case GUSB_RESET_DEVICE:
    case GUSB_STOP_DEVICE:
    case GUSB_DEVICE_GONE:
        break;
    default:        /* BIND_REQUEST (the host's capabilities, unread by the HTML5 client) and unknown */
        if (len > GUSB_HDR)
            expert_add_info(pinfo, proto_tree_add_item(gt, hf_undecoded, t, GUSB_HDR, len - GUSB_HDR, ENC_NA),
                            &ei_undecoded);
        return;
    }
    if (len > fixed)
        expert_add_info(pinfo, proto_tree_add_item(gt, hf_undecoded, t, fixed, len - fixed, ENC_NA), &ei_trailing);
}

static int dissect_gusb(tvbuff_t *t, packet_info *pinfo, proto_tree *tree, void *data)
{
    ica_vc_info *vi = (ica_vc_info *)data;
    guint32 cmd, dev;
    proto_item *ti = proto_tree_add_item(tree, proto_gusb, t, 0, -1, ENC_NA);
    proto_tree *gt = proto_item_add_subtree(ti, ett_gusb);
    wmem_strbuf_t *sum = wmem_strbuf_new(pinfo->pool, "");
    proto_tree_add_item(gt, hf_bytecount, t, 0, 4, ENC_LITTLE_ENDIAN);
    proto_tree_add_item_ret_uint(gt, hf_cmd, t, 4, 1, ENC_NA, &cmd);
    proto_tree_add_item_ret_uint(gt, hf_device_id, t, 5, 2, ENC_LITTLE_ENDIAN, &dev);
    const char *name = wsc_val_to_str(pinfo->pool, cmd, cmd_vals, "command 0x%02x");
    if (vi && vi->summary)      /* before the body: a body cut short still names the command */
        wmem_strbuf_append_printf(vi->summary, " GUSB %s", name);
    proto_item_append_text(ti, ": %s", name);
    if (dev)
        wmem_strbuf_append_printf(sum, " dev %u", dev);
    add_body(t, pinfo, gt, cmd, dev, sum);
    proto_item_append_text(ti, "%s", wmem_strbuf_get_str(sum));
    if (vi && vi->summary)
        wmem_strbuf_append(vi->summary, wmem_strbuf_get_str(sum));
    return tvb_reported_length(t);
}

void
proto_register_ica_gusb(void)
{
    static hf_register_info hf[] = {
        { &hf_bytecount, { "ByteCount", "ica.gusb.bytecount", FT_UINT32, BASE_DEC, NULL, 0x0, "Message length, this 7-byte header included", HFILL } },
        { &hf_cmd, { "Command", "ica.gusb.cmd", FT_UINT8, BASE_HEX, VALS(cmd_vals), 0x0, NULL, HFILL } },
        { &hf_device_id, { "Device id", "ica.gusb.device_id", FT_UINT16, BASE_DEC, NULL, 0x0, "The client's number for the redirected device (0: none)", HFILL } },
        { &hf_caps_length, { "Capabilities length", "ica.gusb.caps_length", FT_UINT16, BASE_DEC, NULL, 0x0, "Bytes of the capability blocks that follow", HFILL } },
        { &hf_cap_length, { "Capability length", "ica.gusb.cap.length", FT_UINT16, BASE_DEC, NULL, 0x0, "Its data bytes, the 4-byte block header excluded", HFILL } },
        { &hf_cap_id, { "Capability", "ica.gusb.cap.id", FT_UINT16, BASE_DEC, VALS(cap_vals), 0x0, NULL, HFILL } },
        { &hf_cap_data, { "Capability data", "ica.gusb.cap.data", FT_BYTES, BASE_NONE, NULL, 0x0, NULL, HFILL } },
        { &hf_speed, { "Speed", "ica.gusb.speed", FT_UINT16, BASE_DEC, VALS(speed_vals), 0x0, "Device speed (URB_*_SPEED)", HFILL } },
        { &hf_hub_flags, { "Hub flags", "ica.gusb.hub_flags", FT_UINT16, BASE_HEX, NULL, 0x0, NULL, HFILL } },
        { &hf_hub_speed, { "Hub speed", "ica.gusb.hub_flags.speed", FT_UINT16, BASE_DEC, VALS(speed_vals), 0x0007, NULL, HFILL } },
        { &hf_hub_self_powered, { "Self powered", "ica.gusb.hub_flags.self_powered", FT_BOOLEAN, 16, NULL, 0x0008, "URB_HUB_SELF_POWERED", HFILL } },
        { &hf_strings_length, { "String descriptors length", "ica.gusb.strings_length", FT_UINT16, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_string_index, { "String index", "ica.gusb.string.index", FT_UINT8, BASE_DEC, NULL, 0x0, "Descriptor index (0: the language ids)", HFILL } },
        { &hf_string_langid, { "String language id", "ica.gusb.string.langid", FT_UINT16, BASE_HEX, NULL, 0x0, NULL, HFILL } },
        { &hf_string_length, { "String length", "ica.gusb.string.length", FT_UINT16, BASE_DEC, NULL, 0x0, "Bytes of text (the USB descriptor's 2-byte header not sent)", HFILL } },
        { &hf_string_text, { "String", "ica.gusb.string.text", FT_STRING, BASE_NONE, NULL, 0x0, "UTF-16LE", HFILL } },
        { &hf_string_langids, { "Supported language id", "ica.gusb.string.langids", FT_UINT16, BASE_HEX, NULL, 0x0, "String index 0: the device's language ids", HFILL } },
        { &hf_device_desc_length, { "Device descriptor length", "ica.gusb.device_desc_length", FT_UINT16, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_config_desc_length, { "Configuration descriptor length", "ica.gusb.config_desc_length", FT_UINT16, BASE_DEC, NULL, 0x0, "The configuration with its interface and endpoint descriptors", HFILL } },
        { &hf_desc_length, { "bLength", "ica.gusb.desc.length", FT_UINT8, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_desc_type, { "bDescriptorType", "ica.gusb.desc.type", FT_UINT8, BASE_DEC, VALS(desc_type_vals), 0x0, NULL, HFILL } },
        { &hf_desc_data, { "Descriptor data", "ica.gusb.desc.data", FT_BYTES, BASE_NONE, NULL, 0x0, "Descriptor bytes not decoded here (class-specific, or past a bad bLength)", HFILL } },
        { &hf_bcd_usb, { "bcdUSB", "ica.gusb.bcd_usb", FT_UINT16, BASE_HEX, NULL, 0x0, NULL, HFILL } },
        { &hf_dev_class, { "bDeviceClass", "ica.gusb.class", FT_UINT8, BASE_HEX, VALS(class_vals), 0x0, NULL, HFILL } },
        { &hf_dev_subclass, { "bDeviceSubClass", "ica.gusb.subclass", FT_UINT8, BASE_HEX, NULL, 0x0, NULL, HFILL } },
        { &hf_dev_protocol, { "bDeviceProtocol", "ica.gusb.protocol", FT_UINT8, BASE_HEX, NULL, 0x0, NULL, HFILL } },
        { &hf_max_packet0, { "bMaxPacketSize0", "ica.gusb.max_packet0", FT_UINT8, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_vendor_id, { "idVendor", "ica.gusb.vendor_id", FT_UINT16, BASE_HEX, NULL, 0x0, NULL, HFILL } },
        { &hf_product_id, { "idProduct", "ica.gusb.product_id", FT_UINT16, BASE_HEX, NULL, 0x0, NULL, HFILL } },
        { &hf_bcd_device, { "bcdDevice", "ica.gusb.bcd_device", FT_UINT16, BASE_HEX, NULL, 0x0, NULL, HFILL } },
        { &hf_i_manufacturer, { "iManufacturer", "ica.gusb.i_manufacturer", FT_UINT8, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_i_product, { "iProduct", "ica.gusb.i_product", FT_UINT8, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_i_serial, { "iSerialNumber", "ica.gusb.i_serial", FT_UINT8, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_num_configs, { "bNumConfigurations", "ica.gusb.num_configs", FT_UINT8, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_total_length, { "wTotalLength", "ica.gusb.total_length", FT_UINT16, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_num_interfaces, { "bNumInterfaces", "ica.gusb.num_interfaces", FT_UINT8, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_config_value, { "bConfigurationValue", "ica.gusb.config_value", FT_UINT8, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_i_configuration, { "iConfiguration", "ica.gusb.i_configuration", FT_UINT8, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_config_attributes, { "bmAttributes", "ica.gusb.config_attributes", FT_UINT8, BASE_HEX, NULL, 0x0, NULL, HFILL } },
        { &hf_max_power, { "bMaxPower", "ica.gusb.max_power", FT_UINT8, BASE_DEC, NULL, 0x0, "In 2 mA units", HFILL } },
        { &hf_if_number, { "bInterfaceNumber", "ica.gusb.interface.number", FT_UINT8, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_if_alternate, { "bAlternateSetting", "ica.gusb.interface.alternate", FT_UINT8, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_if_endpoints, { "bNumEndpoints", "ica.gusb.interface.endpoints", FT_UINT8, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_if_class, { "bInterfaceClass", "ica.gusb.interface.class", FT_UINT8, BASE_HEX, VALS(class_vals), 0x0, NULL, HFILL } },
        { &hf_if_subclass, { "bInterfaceSubClass", "ica.gusb.interface.subclass", FT_UINT8, BASE_HEX, NULL, 0x0, NULL, HFILL } },
        { &hf_if_protocol, { "bInterfaceProtocol", "ica.gusb.interface.protocol", FT_UINT8, BASE_HEX, NULL, 0x0, NULL, HFILL } },
        { &hf_i_interface, { "iInterface", "ica.gusb.interface.i_interface", FT_UINT8, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_ep_address, { "bEndpointAddress", "ica.gusb.endpoint.address", FT_UINT8, BASE_HEX, NULL, 0x0, NULL, HFILL } },
        { &hf_ep_attributes, { "bmAttributes", "ica.gusb.endpoint.attributes", FT_UINT8, BASE_HEX, NULL, 0x0, NULL, HFILL } },
        { &hf_ep_max_packet, { "wMaxPacketSize", "ica.gusb.endpoint.max_packet", FT_UINT16, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_ep_interval, { "bInterval", "ica.gusb.endpoint.interval", FT_UINT8, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_manufacturer, { "Manufacturer", "ica.gusb.manufacturer", FT_STRING, BASE_NONE, NULL, 0x0, "The string iManufacturer names", HFILL } },
        { &hf_product, { "Product", "ica.gusb.product", FT_STRING, BASE_NONE, NULL, 0x0, "The string iProduct names", HFILL } },
        { &hf_serial, { "Serial number", "ica.gusb.serial", FT_STRING, BASE_NONE, NULL, 0x0, "The string iSerialNumber names", HFILL } },
        { &hf_device, { "USB device", "ica.gusb.device", FT_STRING, BASE_NONE, NULL, 0x0, "vendor:product, class (the interfaces' when the device leaves it to them), manufacturer and product strings", HFILL } },
        { &hf_urb_handle, { "URB handle", "ica.gusb.urb_handle", FT_UINT16, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_status, { "Status", "ica.gusb.status", FT_UINT32, BASE_HEX, VALS(status_vals), 0x0, "URB_STATUS_*", HFILL } },
        { &hf_data_length, { "Data length", "ica.gusb.data_length", FT_UINT32, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_data, { "Data", "ica.gusb.data", FT_BYTES, BASE_NONE, NULL, 0x0, "Transfer data (OUT requests, responses)", HFILL } },
        { &hf_langid, { "Language id", "ica.gusb.langid", FT_UINT16, BASE_HEX, NULL, 0x0, NULL, HFILL } },
        { &hf_index, { "String index", "ica.gusb.index", FT_UINT8, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_config_index, { "Configuration index", "ica.gusb.config_index", FT_UINT8, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_interface, { "Interface", "ica.gusb.interface", FT_UINT8, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_alternate, { "Alternate setting", "ica.gusb.alternate", FT_UINT8, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_endpoint, { "Endpoint", "ica.gusb.endpoint", FT_UINT8, BASE_HEX, NULL, 0x0, NULL, HFILL } },
        { &hf_urb_flags, { "URB flags", "ica.gusb.urb_flags", FT_UINT16, BASE_HEX, NULL, 0x0, NULL, HFILL } },
        { &hf_urb_flag_in, { "Direction in", "ica.gusb.urb_flags.in", FT_BOOLEAN, 16, NULL, 0x0001, "URB_DIRECTION_IN", HFILL } },
        { &hf_urb_flag_short_ok, { "Short OK", "ica.gusb.urb_flags.short_ok", FT_BOOLEAN, 16, NULL, 0x0002, "URB_SHORT_OK", HFILL } },
        { &hf_urb_flag_default_pipe, { "Default pipe", "ica.gusb.urb_flags.default_pipe", FT_BOOLEAN, 16, NULL, 0x0004, "URB_DEFAULT_PIPE", HFILL } },
        { &hf_urb_flag_asap, { "Start transfer ASAP", "ica.gusb.urb_flags.asap", FT_BOOLEAN, 16, NULL, 0x0008, "URB_START_TRANSFER_ASAP", HFILL } },
        { &hf_request_type, { "bmRequestType", "ica.gusb.request_type", FT_UINT8, BASE_HEX, NULL, 0x0, NULL, HFILL } },
        { &hf_request, { "bRequest", "ica.gusb.request", FT_UINT8, BASE_DEC, NULL, 0x0, "Named when bmRequestType says standard", HFILL } },
        { &hf_value, { "wValue", "ica.gusb.value", FT_UINT16, BASE_HEX, NULL, 0x0, NULL, HFILL } },
        { &hf_windex, { "wIndex", "ica.gusb.windex", FT_UINT16, BASE_HEX, NULL, 0x0, NULL, HFILL } },
        { &hf_start_frame, { "Start frame", "ica.gusb.start_frame", FT_UINT32, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_requested_at, { "Requested at", "ica.gusb.requested_at", FT_UINT32, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_packet_count, { "Number of packets", "ica.gusb.packet_count", FT_UINT16, BASE_DEC, NULL, 0x0, NULL, HFILL } },
        { &hf_undecoded, { "Undecoded", "ica.gusb.undecoded", FT_BYTES, BASE_NONE, NULL, 0x0, "Bytes no public source describes", HFILL } },
    };
    static int *ett[] = { &ett_gusb, &ett_gusb_block, &ett_gusb_desc, &ett_gusb_flags };
    static ei_register_info ei[] = {
        { &ei_length, { "ica.gusb.length_past_message", PI_MALFORMED, PI_ERROR, "Length or count larger than the message holds", EXPFILL } },
        { &ei_descriptor, { "ica.gusb.descriptor_bad", PI_MALFORMED, PI_ERROR, "USB descriptor length impossible", EXPFILL } },
        { &ei_status, { "ica.gusb.urb_failed", PI_RESPONSE_CODE, PI_NOTE, "URB not successful", EXPFILL } },
        { &ei_trailing, { "ica.gusb.trailing", PI_PROTOCOL, PI_WARN, "Bytes after the command's fields", EXPFILL } },
        { &ei_vetoed, { "ica.gusb.vetoed", PI_RESPONSE_CODE, PI_NOTE, "The client vetoed the device's redirection", EXPFILL } },
        { &ei_undecoded, { "ica.gusb.undecoded.expert", PI_UNDECODED, PI_NOTE, "No public layout for these bytes", EXPFILL } },
    };
    proto_gusb = proto_register_protocol("Citrix ICA generic USB redirection channel", "CTXGUSB", "ica.gusb");
    proto_register_field_array(proto_gusb, hf, array_length(hf));
    proto_register_subtree_array(ett, array_length(ett));
    expert_register_field_array(expert_register_protocol(proto_gusb), ei, array_length(ei));
}

void
proto_reg_handoff_ica_gusb(void)
{
    /* u32 bytecount at 0, the 7-byte header included (vc.md §0.1) */
    static const vc_len_rule rule = { VC_LEN_FIELD, GUSB_HDR, 0, 4, 1, GUSB_MAX_LEN, NULL };
    ica_vc_register("CTXGUSB", dissect_gusb, proto_gusb, &rule);
}
