// SPDX-License-Identifier: GPL-2.0
/* Table commands: dump requests, and printing each message as it comes. */
#include <inttypes.h>
#include <stdarg.h>
#include <string.h>

#include <linux/genetlink.h>

#include "dump.h"
#include "fmt.h"
#include "genl.h"

void dump_begin(struct dump_out *o, const struct dump_kind *k,
		const struct ctx *ctx, FILE *f)
{
	memset(o, 0, sizeof(*o));
	o->kind = k;
	o->f = f;
	o->json = ctx->json;
	json_init(&o->j, f, ctx->pretty);
}

int dump_msg(const struct nlmsghdr *nlh, void *data)
{
	struct dump_out *o = data;

	if (nlh->nlmsg_len < mnl_nlmsg_size(GENL_HDRLEN))
		return MNL_CB_OK;	/* not a genetlink message: skip */
	attr_vals_parse(nlh, o->kind->set, &o->v);
	if (o->filter && o->kind->filter_attrs &&
	    !filter_match(o->filter, o->kind->filter_attrs, &o->v, NULL, 0))
		return MNL_CB_OK;
	if (o->json) {
		if (!o->started) {
			json_arr_begin(&o->j, NULL);
			o->started = true;
		}
		o->kind->json(&o->j, &o->v);
	} else {
		o->kind->text(o->f, &o->v);
	}
	o->count++;
	return MNL_CB_OK;
}

void dump_end(struct dump_out *o, bool ok)
{
	if (!o->json)
		return;
	if (!o->started) {
		if (!ok)
			return;
		json_arr_begin(&o->j, NULL);
	}
	json_arr_end(&o->j);
	json_end(&o->j);
	o->started = false;
}

int dump_run(const struct ctx *ctx, const struct dump_kind *k)
{
	return dump_run_filtered(ctx, k, NULL);
}

int dump_filter_args(const char *cmd, unsigned int allowed, int argc,
		     char **argv, struct list_filter *f)
{
	char err[128];

	if (filter_parse(f, allowed, argc - 1, argv + 1, err, sizeof(err)))
		return usage_error(cmd, "%s %s: %s", cmd, argv[0], err);
	return 0;
}

int dump_run_filtered(const struct ctx *ctx, const struct dump_kind *k,
		      const struct list_filter *filter)
{
	struct dump_out o;
	struct nlmsghdr *nlh;
	struct genl g;
	int ret;

	ret = genl_open(&g);
	if (ret)
		return ret;
	dump_begin(&o, k, ctx, stdout);
	o.filter = filter;
	nlh = genl_msg(&g, k->cmd, NLM_F_DUMP);
	ret = genl_do(&g, nlh, k->set, dump_msg, &o);
	dump_end(&o, !ret);
	genl_close(&g);
	return ret;
}

const char *dump_hex32(uint64_t v, char *buf)
{
	snprintf(buf, 11, "0x%08" PRIx32, (uint32_t)v);
	return buf;
}

const char *dump_str(const struct attr_vals *v, unsigned int type)
{
	return attr_has(v, type) ? v->ptr[type] : NULL;
}

/* JSON key of attribute type: its spec name in snake_case. */
static const char *key_of(const struct attr_vals *v, unsigned int type,
			  char *key, size_t len)
{
	attr_json_key(v->set->attrs[type].name, key, len);
	return key;
}

void dump_json_num(struct json *j, const struct attr_vals *v,
		   unsigned int type)
{
	char key[64];

	if (attr_has(v, type))
		json_u64(j, key_of(v, type, key, sizeof(key)), v->num[type]);
}

void dump_json_bool(struct json *j, const struct attr_vals *v,
		    unsigned int type)
{
	char key[64];

	if (attr_has(v, type))
		json_bool(j, key_of(v, type, key, sizeof(key)), v->num[type] != 0);
}

void dump_json_name(struct json *j, const struct attr_vals *v,
		    unsigned int type, const struct fmt_name *names)
{
	char key[64], buf[FMT_BUF];

	if (attr_has(v, type))
		json_str(j, key_of(v, type, key, sizeof(key)),
			 fmt_name(names, v->num[type], buf, sizeof(buf)));
}

void dump_json_str(struct json *j, const struct attr_vals *v,
		   unsigned int type)
{
	char key[64];

	if (attr_has(v, type))
		json_str(j, key_of(v, type, key, sizeof(key)), v->ptr[type]);
}

void dump_json_addr(struct json *j, const struct attr_vals *v,
		    unsigned int family_type, unsigned int type)
{
	char key[64], buf[FMT_BUF];

	if (!attr_has(v, type))
		return;
	json_str(j, key_of(v, type, key, sizeof(key)),
		 fmt_addr(attr_has(v, family_type) ? v->num[family_type] : 0,
			  v->ptr[type], v->len[type], buf, sizeof(buf)));
}

void dump_line_begin(struct dump_line *l, FILE *f)
{
	l->f = f;
	l->any = false;
}

void dump_word(struct dump_line *l, const char *fmt, ...)
{
	va_list ap;

	if (l->any)
		fputc(' ', l->f);
	l->any = true;
	va_start(ap, fmt);
	vfprintf(l->f, fmt, ap);
	va_end(ap);
}

void dump_line_end(struct dump_line *l)
{
	fputc('\n', l->f);
}

void dump_word_num(struct dump_line *l, const char *kw,
		   const struct attr_vals *v, unsigned int type)
{
	if (attr_has(v, type))
		dump_word(l, "%s %" PRIu64, kw, v->num[type]);
}

void dump_word_name(struct dump_line *l, const char *kw,
		    const struct attr_vals *v, unsigned int type,
		    const struct fmt_name *names)
{
	char buf[FMT_BUF];

	if (attr_has(v, type))
		dump_word(l, "%s %s", kw,
			  fmt_name(names, v->num[type], buf, sizeof(buf)));
}

void dump_word_flag(struct dump_line *l, const char *word,
		    const struct attr_vals *v, unsigned int type)
{
	if (attr_has(v, type) && v->num[type])
		dump_word(l, "%s", word);
}

const char *dump_addr(const struct attr_vals *v, unsigned int family_type,
		      unsigned int type, char *buf, size_t len)
{
	const char *s = NULL;

	if (attr_has(v, type) && attr_has(v, family_type))
		s = fmt_addr(v->num[family_type], v->ptr[type], v->len[type],
			     buf, len);
	return s ? s : "?";
}
