#include <arpa/inet.h>
#include <inttypes.h>
#include <stdbool.h>
#include <string.h>

#include "ipsecgw.pb-c.h"
#include "pbjson.h"

/* Bytes fields that hold an IP address, by field name. */
static const char *const pbjson_addr_fields[] = {
	"addr", "via", "ip", "start", "end", "tunnel_src", "tunnel_dst", "local_start", "local_end",
	"remote_start", "remote_end", "responder_addr", NULL,
};

static bool pbjson_in(const char *const *list, const char *name)
{
	for (; *list; list++)
		if (strcmp(*list, name) == 0)
			return true;
	return false;
}

static json_t *pbjson_hex(const ProtobufCBinaryData *b, const char *pre)
{
	static const char x[] = "0123456789abcdef";
	size_t pl = strlen(pre);
	char *s = malloc(pl + 2 * b->len + 1);
	json_t *j;

	if (!s)
		return NULL;
	memcpy(s, pre, pl);
	for (size_t i = 0; i < b->len; i++) {
		s[pl + 2 * i] = x[b->data[i] >> 4];
		s[pl + 2 * i + 1] = x[b->data[i] & 15];
	}
	s[pl + 2 * b->len] = '\0';
	j = json_string(s);
	explicit_bzero(s, pl + 2 * b->len);
	free(s);
	return j;
}

static bool pbjson_printable(const ProtobufCBinaryData *b)
{
	for (size_t i = 0; i < b->len; i++)
		if (b->data[i] < 0x20 || b->data[i] >= 0x7f)
			return false;
	return b->len > 0;
}

static json_t *pbjson_addr(const ProtobufCBinaryData *b)
{
	char s[INET6_ADDRSTRLEN];

	if (b->len == 4 || b->len == 16) {
		inet_ntop(b->len == 4 ? AF_INET : AF_INET6, b->data, s, sizeof(s));
		return json_string(s);
	}
	return pbjson_hex(b, "0x");
}

static int pbjson_enum_field(const ProtobufCMessage *m, const char *name)
{
	const ProtobufCFieldDescriptor *fd = protobuf_c_message_descriptor_get_field_by_name(m->descriptor, name);

	return fd ? *(const int *)((const char *)m + fd->offset) : -1;
}

static bool pbjson_bool_field(const ProtobufCMessage *m, const char *name)
{
	const ProtobufCFieldDescriptor *fd = protobuf_c_message_descriptor_get_field_by_name(m->descriptor, name);

	return fd && *(const protobuf_c_boolean *)((const char *)m + fd->offset);
}

/* An IKE identity: by its type, found in a sibling field. */
static json_t *pbjson_id(const ProtobufCMessage *m, const char *type_field, const ProtobufCBinaryData *b)
{
	int t = pbjson_enum_field(m, type_field);

	if (t == IPSECGW__V1__IKE_ID_TYPE__ID_IP4_ADDR || t == IPSECGW__V1__IKE_ID_TYPE__ID_IP6_ADDR)
		return pbjson_addr(b);
	if (pbjson_printable(b))
		return json_stringn((const char *)b->data, b->len);
	return pbjson_hex(b, "0x");
}

static json_t *pbjson_bytes(const ProtobufCMessage *m, const char *name, const ProtobufCBinaryData *b,
			    unsigned flags)
{
	const ProtobufCMessageDescriptor *d = m->descriptor;

	if (strcmp(name, "crypto_key") == 0 || strcmp(name, "integ_key") == 0)
		return flags & PBJSON_KEYS ? pbjson_hex(b, "") : json_string("<hidden>");
	if ((d == &ipsecgw__v1__ikev2_profile_set_auth__descriptor && strcmp(name, "data") == 0) ||
	    strcmp(name, "auth_data") == 0) {
		bool hex = pbjson_bool_field(m, d == &ipsecgw__v1__ikev2_profile_set_auth__descriptor ?
						       "data_is_hex" : "auth_data_is_hex");
		if (!(flags & PBJSON_KEYS))
			return json_string("<hidden>");
		return hex || !pbjson_printable(b) ? pbjson_hex(b, "0x") :
						     json_stringn((const char *)b->data, b->len);
	}
	if (d == &ipsecgw__v1__ikev2_profile_set_id__descriptor && strcmp(name, "data") == 0)
		return pbjson_id(m, "type", b);
	if (strcmp(name, "local_id") == 0)
		return pbjson_id(m, "local_id_type", b);
	if (strcmp(name, "remote_id") == 0)
		return pbjson_id(m, "remote_id_type", b);
	if (strcmp(name, "mac") == 0 && b->len == 6) {
		char s[18];
		snprintf(s, sizeof(s), "%02x:%02x:%02x:%02x:%02x:%02x", b->data[0], b->data[1], b->data[2],
			 b->data[3], b->data[4], b->data[5]);
		return json_string(s);
	}
	if (pbjson_in(pbjson_addr_fields, name))
		return pbjson_addr(b);
	return pbjson_hex(b, "");
}

static json_t *pbjson_u64(uint64_t v)
{
	char s[24];

	if (v <= (uint64_t)INT64_MAX)
		return json_integer((json_int_t)v);
	snprintf(s, sizeof(s), "%" PRIu64, v);
	return json_string(s);
}

static json_t *pbjson_value(const ProtobufCMessage *m, const ProtobufCFieldDescriptor *fd, const void *p,
			    unsigned flags)
{
	if (strcmp(fd->name, "salt") == 0 && !(flags & PBJSON_KEYS))
		return json_string("<hidden>"); /* keying material */
	switch (fd->type) {
	case PROTOBUF_C_TYPE_INT32:
	case PROTOBUF_C_TYPE_SINT32:
	case PROTOBUF_C_TYPE_SFIXED32: return json_integer(*(const int32_t *)p);
	case PROTOBUF_C_TYPE_UINT32:
	case PROTOBUF_C_TYPE_FIXED32: return json_integer(*(const uint32_t *)p);
	case PROTOBUF_C_TYPE_INT64:
	case PROTOBUF_C_TYPE_SINT64:
	case PROTOBUF_C_TYPE_SFIXED64: return json_integer(*(const int64_t *)p);
	case PROTOBUF_C_TYPE_UINT64:
	case PROTOBUF_C_TYPE_FIXED64: return pbjson_u64(*(const uint64_t *)p);
	case PROTOBUF_C_TYPE_FLOAT: return json_real(*(const float *)p);
	case PROTOBUF_C_TYPE_DOUBLE: return json_real(*(const double *)p);
	case PROTOBUF_C_TYPE_BOOL: return json_boolean(*(const protobuf_c_boolean *)p);
	case PROTOBUF_C_TYPE_ENUM: {
		const ProtobufCEnumValue *ev = protobuf_c_enum_descriptor_get_value(fd->descriptor, *(const int *)p);
		return ev ? json_string(ev->name) : json_integer(*(const int *)p);
	}
	case PROTOBUF_C_TYPE_STRING: return json_string(*(char *const *)p);
	case PROTOBUF_C_TYPE_BYTES: return pbjson_bytes(m, fd->name, p, flags);
	case PROTOBUF_C_TYPE_MESSAGE: return pbjson_message(*(ProtobufCMessage *const *)p, flags);
	}
	return NULL;
}

static size_t pbjson_size(const ProtobufCFieldDescriptor *fd)
{
	switch (fd->type) {
	case PROTOBUF_C_TYPE_INT64: case PROTOBUF_C_TYPE_SINT64: case PROTOBUF_C_TYPE_SFIXED64:
	case PROTOBUF_C_TYPE_UINT64: case PROTOBUF_C_TYPE_FIXED64: case PROTOBUF_C_TYPE_DOUBLE:
		return 8;
	case PROTOBUF_C_TYPE_STRING: case PROTOBUF_C_TYPE_MESSAGE: return sizeof(void *);
	case PROTOBUF_C_TYPE_BYTES: return sizeof(ProtobufCBinaryData);
	case PROTOBUF_C_TYPE_BOOL: return sizeof(protobuf_c_boolean);
	default: return 4;
	}
}

static bool pbjson_present(const ProtobufCMessage *m, const ProtobufCFieldDescriptor *fd)
{
	const char *base = (const char *)m;

	if (fd->flags & PROTOBUF_C_FIELD_FLAG_ONEOF)
		return *(const uint32_t *)(base + fd->quantifier_offset) == fd->id;
	if (fd->type == PROTOBUF_C_TYPE_STRING || fd->type == PROTOBUF_C_TYPE_MESSAGE)
		return *(void *const *)(base + fd->offset) != NULL;
	if (fd->label == PROTOBUF_C_LABEL_OPTIONAL && fd->quantifier_offset)
		return *(const protobuf_c_boolean *)(base + fd->quantifier_offset);
	return true;
}

json_t *pbjson_message(const ProtobufCMessage *m, unsigned flags)
{
	const ProtobufCMessageDescriptor *d = m->descriptor;
	json_t *o;

	if (d == &ipsecgw__v1__prefix__descriptor) {
		const Ipsecgw__V1__Prefix *p = (const Ipsecgw__V1__Prefix *)m;
		char s[INET6_ADDRSTRLEN + 8];
		if (p->addr.len != 4 && p->addr.len != 16)
			return json_string("?");
		inet_ntop(p->addr.len == 4 ? AF_INET : AF_INET6, p->addr.data, s, sizeof(s));
		snprintf(s + strlen(s), 8, "/%u", p->len);
		return json_string(s);
	}
	o = json_object();
	if (!o)
		return NULL;
	for (unsigned i = 0; i < d->n_fields; i++) {
		const ProtobufCFieldDescriptor *fd = &d->fields[i];
		const char *member = (const char *)m + fd->offset;
		json_t *v;

		if (fd->label == PROTOBUF_C_LABEL_REPEATED) {
			size_t n = *(const size_t *)((const char *)m + fd->quantifier_offset);
			const char *arr = *(const char *const *)member;
			if (n == 0)
				continue;
			v = json_array();
			for (size_t k = 0; v && k < n; k++)
				json_array_append_new(v, pbjson_value(m, fd, arr + k * pbjson_size(fd), flags));
		} else {
			if (!pbjson_present(m, fd))
				continue;
			v = pbjson_value(m, fd, member, flags);
		}
		if (v)
			json_object_set_new(o, fd->name, v);
	}
	return o;
}

json_t *pbjson_request(const ProtobufCMessage *env, unsigned flags)
{
	json_t *o = pbjson_message(env, flags);

	if (o) {
		json_object_del(o, "api_version");
		json_object_del(o, "request_id");
	}
	return o;
}

static void pbjson_scalar(FILE *f, const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_STRING: fprintf(f, "\"%s\"", json_string_value(v)); break;
	case JSON_INTEGER: fprintf(f, "%" JSON_INTEGER_FORMAT, json_integer_value(v)); break;
	case JSON_REAL: fprintf(f, "%g", json_real_value(v)); break;
	case JSON_TRUE: fputs("true", f); break;
	case JSON_FALSE: fputs("false", f); break;
	default: fputs("null", f); break;
	}
}

static void pbjson_text_field(FILE *f, const char *key, const json_t *v, int indent)
{
	if (json_is_object(v)) {
		fprintf(f, "%*s%s {\n", indent, "", key);
		pbjson_text(f, v, indent + 2);
		fprintf(f, "%*s}\n", indent, "");
	} else if (json_is_array(v)) {
		size_t i;
		const json_t *e;
		json_array_foreach(v, i, e)
			pbjson_text_field(f, key, e, indent);
	} else {
		fprintf(f, "%*s%s: ", indent, "", key);
		/* enum names print bare, as in protobuf text format */
		if (json_is_string(v) && strspn(json_string_value(v), "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") ==
						 strlen(json_string_value(v)) && json_string_length(v))
			fputs(json_string_value(v), f);
		else
			pbjson_scalar(f, v);
		fputc('\n', f);
	}
}

void pbjson_text(FILE *f, const json_t *obj, int indent)
{
	const char *key;
	const json_t *v;

	json_object_foreach((json_t *)obj, key, v)
		pbjson_text_field(f, key, v, indent);
}
