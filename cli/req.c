#include <stdlib.h>
#include <string.h>

#include "req.h"

void *req_msg(const ProtobufCMessageDescriptor *d)
{
	ProtobufCMessage *m = calloc(1, d->sizeof_message);

	if (m)
		d->message_init(m);
	return m;
}

void *req_body(struct cli_line *out, int body_case, const ProtobufCMessageDescriptor *d)
{
	const ProtobufCFieldDescriptor *fd =
		protobuf_c_message_descriptor_get_field(&ipsecgw__v1__envelope__descriptor, (unsigned)body_case);
	void *body;

	if (!fd || fd->descriptor != d)
		return NULL; /* a mismatched table entry; tests catch it */
	if (!out->req) {
		out->req = req_msg(&ipsecgw__v1__envelope__descriptor);
		if (!out->req)
			return NULL;
	}
	body = req_msg(d);
	if (!body)
		return NULL;
	*(void **)((char *)out->req + fd->offset) = body;
	out->req->body_case = (Ipsecgw__V1__Envelope__BodyCase)body_case;
	out->kind = CLI_REQUEST;
	return body;
}

int req_str(char **dst, const char *s)
{
	*dst = strdup(s);
	return *dst ? 0 : -1;
}

int req_bytes(ProtobufCBinaryData *dst, const void *p, size_t n)
{
	dst->data = malloc(n ? n : 1);
	if (!dst->data) {
		dst->len = 0;
		return -1;
	}
	memcpy(dst->data, p, n);
	dst->len = n;
	return 0;
}

static void req_wipe(ProtobufCMessage *m)
{
	const ProtobufCMessageDescriptor *d = m->descriptor;

	for (unsigned i = 0; i < d->n_fields; i++) {
		const ProtobufCFieldDescriptor *fd = &d->fields[i];
		char *member = (char *)m + fd->offset;
		size_t n = 1;

		if (fd->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) {
			uint32_t which = *(uint32_t *)((char *)m + fd->quantifier_offset);
			if (which != fd->id)
				continue;
		}
		if (fd->label == PROTOBUF_C_LABEL_REPEATED) {
			n = *(size_t *)((char *)m + fd->quantifier_offset);
			member = *(char **)member;
			if (!member)
				continue;
		}
		for (size_t k = 0; k < n; k++) {
			switch (fd->type) {
			case PROTOBUF_C_TYPE_BYTES: {
				ProtobufCBinaryData *b = (ProtobufCBinaryData *)member + k;
				if (b->data)
					explicit_bzero(b->data, b->len);
				break;
			}
			case PROTOBUF_C_TYPE_STRING: {
				char *s = ((char **)member)[k];
				if (s && s != fd->default_value)
					explicit_bzero(s, strlen(s));
				break;
			}
			case PROTOBUF_C_TYPE_MESSAGE: {
				ProtobufCMessage *sub = ((ProtobufCMessage **)member)[k];
				if (sub)
					req_wipe(sub);
				break;
			}
			default:
				break;
			}
		}
	}
}

void req_free(gw_env *env)
{
	if (!env)
		return;
	req_wipe(&env->base);
	protobuf_c_message_free_unpacked(&env->base, NULL);
}
