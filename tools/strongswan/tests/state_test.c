/*
 * Copyright (C) 2026 The ipsec-ha authors
 * SPDX-License-Identifier: GPL-2.0
 *
 * Unit tests (TAP) of the plugin's daemon-state codec, against the
 * installed libstrongswan: round trips, and refusal of every truncation,
 * of unknown versions and of too many CHILD SAs or traffic selectors.
 */

#include <stdio.h>

#include <library.h>
#include <collections/linked_list.h>
#include <selectors/traffic_selector.h>

#include "../ipsec_ha_state.h"

static int n, failed;

static void ok(bool cond, const char *what)
{
	n++;
	if (!cond)
	{
		failed++;
	}
	printf("%s %d - %s\n", cond ? "ok" : "not ok", n, what);
}

static linked_list_t *ts_list(const char *a, const char *b)
{
	linked_list_t *list = linked_list_create();

	list->insert_last(list, traffic_selector_create_from_cidr((char*)a, 0, 0,
															   65535));
	if (b)
	{
		list->insert_last(list, traffic_selector_create_from_cidr((char*)b,
										IPPROTO_UDP, 500, 4500));
	}
	return list;
}

static bool ts_equal(linked_list_t *x, linked_list_t *y)
{
	enumerator_t *ex, *ey;
	traffic_selector_t *a, *b;
	bool eq = x->get_count(x) == y->get_count(y);

	ex = x->create_enumerator(x);
	ey = y->create_enumerator(y);
	while (eq && ex->enumerate(ex, &a) && ey->enumerate(ey, &b))
	{
		eq = a->equals(a, b);
	}
	ex->destroy(ex);
	ey->destroy(ey);
	return eq;
}

static void fill(ipsec_ha_state_t *s, int children)
{
	int i;

	memset(s, 0, sizeof(*s));
	s->peer_cfg = strdup("gw");
	s->secret = chunk_clone(chunk_from_str("0123456789abcdef0123456789abcdef"));
	s->old_prf = PRF_HMAC_SHA2_256;
	s->old_skd = chunk_clone(chunk_from_str("old-skd-old-skd-old-skd-old-skd!"));
	s->conditions = COND_NAT_ANY | COND_AUTHENTICATED;
	s->extensions = EXT_MOBIKE | EXT_IKE_MESSAGE_ID_SYNC;
	s->nr_children = children;
	for (i = 0; i < children; i++)
	{
		ipsec_ha_child_state_t *c = &s->children[i];

		c->name = strdup(i % 2 ? "e" : "u");
		c->spi_in = htonl(0xc1000000 + i);
		c->spi_out = htonl(0xc2000000 + i);
		c->cpi_in = htons(i);
		c->mode = MODE_TUNNEL;
		c->protocol = PROTO_ESP;
		c->reqid = 0x10000 + i;
		c->encr = ENCR_AES_GCM_ICV16;
		c->encr_keylen = 128;
		c->esn = i % 2 ? EXT_SEQ_NUMBERS : NO_EXT_SEQ_NUMBERS;
		c->mark_in = 7;
		c->if_id_out = 9;
		c->local_ts = ts_list("10.0.1.0/24", i % 2 ? "2001:db8::/32" : NULL);
		c->remote_ts = ts_list("10.0.2.0/24", NULL);
	}
}

static bool same(ipsec_ha_state_t *a, ipsec_ha_state_t *b)
{
	int i;

	if (!streq(a->peer_cfg, b->peer_cfg) || !chunk_equals(a->secret, b->secret) ||
		a->old_prf != b->old_prf || !chunk_equals(a->old_skd, b->old_skd) ||
		a->conditions != b->conditions || a->extensions != b->extensions ||
		a->nr_children != b->nr_children)
	{
		return FALSE;
	}
	for (i = 0; i < a->nr_children; i++)
	{
		ipsec_ha_child_state_t *x = &a->children[i], *y = &b->children[i];

		if (!streq(x->name, y->name) || x->spi_in != y->spi_in ||
			x->spi_out != y->spi_out || x->cpi_in != y->cpi_in ||
			x->cpi_out != y->cpi_out || x->mode != y->mode ||
			x->protocol != y->protocol || x->reqid != y->reqid ||
			x->encr != y->encr || x->encr_keylen != y->encr_keylen ||
			x->esn != y->esn || x->mark_in != y->mark_in ||
			x->if_id_out != y->if_id_out ||
			!ts_equal(x->local_ts, y->local_ts) ||
			!ts_equal(x->remote_ts, y->remote_ts))
		{
			return FALSE;
		}
	}
	return TRUE;
}

int main(void)
{
	ipsec_ha_state_t s, d;
	chunk_t enc, cut;
	bool all_refused = TRUE;
	size_t len;
	int k;

	library_init(NULL, "state-test");
	/* truncated inputs make the reader complain: expected here */
	dbg_default_set_level(-1);
	atexit(library_deinit);

	for (k = 0; k <= IPSEC_HA_STATE_CHILDREN; k += 8)
	{
		char what[64];

		fill(&s, k);
		enc = ipsec_ha_state_encode(&s);
		snprintf(what, sizeof(what), "round trip with %d CHILD SAs", k);
		ok(ipsec_ha_state_decode(enc, &d) && same(&s, &d), what);
		ipsec_ha_state_clear(&d);
		ipsec_ha_state_clear(&s);
		chunk_clear(&enc);
	}

	fill(&s, 2);
	enc = ipsec_ha_state_encode(&s);
	ok(enc.len < 1024, "two CHILD SAs fit the module's 1024 bytes");
	for (len = 0; len < enc.len; len++)
	{
		cut = chunk_create(enc.ptr, len);
		if (ipsec_ha_state_decode(cut, &d))
		{
			all_refused = FALSE;
			ipsec_ha_state_clear(&d);
		}
	}
	ok(all_refused, "every truncation is refused");
	cut = chunk_cat("cc", enc, chunk_from_chars(0));
	ok(!ipsec_ha_state_decode(cut, &d), "a trailing byte is refused");
	chunk_free(&cut);
	enc.ptr[0] = IPSEC_HA_STATE_VERSION + 1;
	ok(!ipsec_ha_state_decode(enc, &d), "an unknown version is refused");
	enc.ptr[0] = IPSEC_HA_STATE_VERSION;
	ok(ipsec_ha_state_decode(enc, &d), "... and the same with its version back is taken");
	ipsec_ha_state_clear(&d);
	ipsec_ha_state_clear(&s);
	chunk_clear(&enc);

	fill(&s, 1);
	s.nr_children = 1;
	enc = ipsec_ha_state_encode(&s);
	/* the CHILD SA count follows the fixed part: version, name, secret,
	 * PRF, old SK_d, conditions, extensions */
	len = 1 + 1 + strlen(s.peer_cfg) + 2 + s.secret.len + 2 + 1 +
		  s.old_skd.len + 4 + 4;
	enc.ptr[len] = IPSEC_HA_STATE_CHILDREN + 1;
	ok(!ipsec_ha_state_decode(enc, &d), "17 CHILD SAs are refused");
	ipsec_ha_state_clear(&s);
	chunk_clear(&enc);

	printf("1..%d\n# state: %d passed, %d failed\n", n, n - failed, failed);
	return failed ? 1 : 0;
}
