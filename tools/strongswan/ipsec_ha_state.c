/*
 * Copyright (C) 2026 The ipsec-ha authors
 * SPDX-License-Identifier: GPL-2.0
 */

#include "ipsec_ha_state.h"

#include <bio/bio_reader.h>
#include <bio/bio_writer.h>
#include <collections/linked_list.h>

/*
 * Encoding, version 1, network byte order:
 *   u8 version, data8 peer_cfg, data16 secret, u16 old_prf, data8 old_skd,
 *   u32 conditions, u32 extensions, u8 children, then per CHILD SA:
 *   data8 name, u32 spi_in, u32 spi_out, u16 cpi_in, u16 cpi_out, u8 mode,
 *   u8 protocol, u16 ipcomp, u32 reqid, u16 encr, u16 encr_keylen,
 *   u16 integ, u16 ke, u16 esn, u32 mark_in, u32 mark_out, u32 if_id_in,
 *   u32 if_id_out, u8 local TS count, TS..., u8 remote TS count, TS...
 *   where a TS is u8 type, u8 protocol, u16 from_port, u16 to_port,
 *   data8 from, data8 to.
 * SPIs and CPIs are written as the 32/16 bits charon holds them in.
 */

/**
 * Most traffic selectors per side of a CHILD SA in the encoding.
 */
#define TS_MAX 8

static void write_ts_list(bio_writer_t *w, linked_list_t *list)
{
	enumerator_t *enumerator;
	traffic_selector_t *ts;
	int n = 0;

	n = min(list->get_count(list), TS_MAX);
	w->write_uint8(w, n);
	enumerator = list->create_enumerator(list);
	while (n-- > 0 && enumerator->enumerate(enumerator, &ts))
	{
		w->write_uint8(w, ts->get_type(ts));
		w->write_uint8(w, ts->get_protocol(ts));
		w->write_uint16(w, ts->get_from_port(ts));
		w->write_uint16(w, ts->get_to_port(ts));
		w->write_data8(w, ts->get_from_address(ts));
		w->write_data8(w, ts->get_to_address(ts));
	}
	enumerator->destroy(enumerator);
}

static bool read_ts_list(bio_reader_t *r, linked_list_t *list)
{
	uint8_t n, type, proto;
	uint16_t from_port, to_port;
	chunk_t from, to;
	traffic_selector_t *ts;

	if (!r->read_uint8(r, &n) || n > TS_MAX)
	{
		return FALSE;
	}
	while (n--)
	{
		if (!r->read_uint8(r, &type) || !r->read_uint8(r, &proto) ||
			!r->read_uint16(r, &from_port) || !r->read_uint16(r, &to_port) ||
			!r->read_data8(r, &from) || !r->read_data8(r, &to))
		{
			return FALSE;
		}
		ts = traffic_selector_create_from_bytes(proto, type, from, from_port,
												to, to_port);
		if (!ts)
		{
			return FALSE;
		}
		list->insert_last(list, ts);
	}
	return TRUE;
}

static char *clone_str(chunk_t c)
{
	char *s = malloc(c.len + 1);

	memcpy(s, c.ptr, c.len);
	s[c.len] = '\0';
	return s;
}

static void child_clear(ipsec_ha_child_state_t *c)
{
	free(c->name);
	DESTROY_OFFSET_IF(c->local_ts, offsetof(traffic_selector_t, destroy));
	DESTROY_OFFSET_IF(c->remote_ts, offsetof(traffic_selector_t, destroy));
	memset(c, 0, sizeof(*c));
}

/*
 * Described in header.
 */
void ipsec_ha_state_clear_children(ipsec_ha_state_t *state)
{
	int i;

	for (i = 0; i < state->nr_children; i++)
	{
		child_clear(&state->children[i]);
	}
	state->nr_children = 0;
}

/*
 * Described in header.
 */
void ipsec_ha_state_clear(ipsec_ha_state_t *state)
{
	ipsec_ha_state_clear_children(state);
	free(state->peer_cfg);
	chunk_clear(&state->secret);
	chunk_clear(&state->old_skd);
	memset(state, 0, sizeof(*state));
	state->old_prf = PRF_UNDEFINED;
}

static linked_list_t *ts_clone(child_sa_t *child_sa, bool local)
{
	enumerator_t *enumerator;
	traffic_selector_t *ts;
	linked_list_t *list = linked_list_create();

	enumerator = child_sa->create_ts_enumerator(child_sa, local);
	while (enumerator->enumerate(enumerator, &ts))
	{
		list->insert_last(list, ts->clone(ts));
	}
	enumerator->destroy(enumerator);
	return list;
}

static void child_fill(ipsec_ha_child_state_t *c, child_sa_t *child_sa)
{
	proposal_t *proposal = child_sa->get_proposal(child_sa);
	uint16_t alg, len;

	c->name = strdup(child_sa->get_name(child_sa));
	c->spi_in = child_sa->get_spi(child_sa, TRUE);
	c->spi_out = child_sa->get_spi(child_sa, FALSE);
	c->cpi_in = child_sa->get_cpi(child_sa, TRUE);
	c->cpi_out = child_sa->get_cpi(child_sa, FALSE);
	c->mode = child_sa->get_mode(child_sa);
	c->protocol = child_sa->get_protocol(child_sa);
	c->ipcomp = child_sa->get_ipcomp(child_sa);
	c->reqid = child_sa->get_reqid(child_sa);
	c->mark_in = child_sa->get_mark(child_sa, TRUE).value;
	c->mark_out = child_sa->get_mark(child_sa, FALSE).value;
	c->if_id_in = child_sa->get_if_id(child_sa, TRUE);
	c->if_id_out = child_sa->get_if_id(child_sa, FALSE);
	c->esn = NO_EXT_SEQ_NUMBERS;
	if (proposal)
	{
		if (proposal->get_algorithm(proposal, ENCRYPTION_ALGORITHM, &alg, &len))
		{
			c->encr = alg;
			c->encr_keylen = len;
		}
		if (proposal->get_algorithm(proposal, INTEGRITY_ALGORITHM, &alg, NULL))
		{
			c->integ = alg;
		}
		if (proposal->get_algorithm(proposal, KEY_EXCHANGE_METHOD, &alg, NULL))
		{
			c->ke = alg;
		}
		if (proposal->get_algorithm(proposal, EXTENDED_SEQUENCE_NUMBERS,
									&alg, NULL))
		{
			c->esn = alg;
		}
	}
	c->local_ts = ts_clone(child_sa, TRUE);
	c->remote_ts = ts_clone(child_sa, FALSE);
}

/*
 * Described in header.
 */
void ipsec_ha_state_children(ipsec_ha_state_t *state, ike_sa_t *ike_sa,
							 child_sa_t *skip)
{
	enumerator_t *enumerator;
	child_sa_t *child_sa;

	ipsec_ha_state_clear_children(state);
	enumerator = ike_sa->create_child_sa_enumerator(ike_sa);
	while (enumerator->enumerate(enumerator, &child_sa))
	{
		if (child_sa == skip || state->nr_children >= IPSEC_HA_STATE_CHILDREN)
		{
			continue;
		}
		switch (child_sa->get_state(child_sa))
		{
			case CHILD_INSTALLED:
			case CHILD_UPDATING:
			case CHILD_REKEYING:
				break;
			default:
				continue;
		}
		if (!child_sa->get_spi(child_sa, TRUE) ||
			!child_sa->get_spi(child_sa, FALSE))
		{
			continue;
		}
		child_fill(&state->children[state->nr_children++], child_sa);
	}
	enumerator->destroy(enumerator);
}

/*
 * Described in header.
 */
chunk_t ipsec_ha_state_encode(ipsec_ha_state_t *state)
{
	bio_writer_t *w = bio_writer_create(512);
	ipsec_ha_child_state_t *c;
	chunk_t out;
	int i;

	w->write_uint8(w, IPSEC_HA_STATE_VERSION);
	w->write_data8(w, chunk_from_str(state->peer_cfg ?: ""));
	w->write_data16(w, state->secret);
	w->write_uint16(w, state->old_prf);
	w->write_data8(w, state->old_skd);
	w->write_uint32(w, state->conditions);
	w->write_uint32(w, state->extensions);
	w->write_uint8(w, state->nr_children);
	for (i = 0; i < state->nr_children; i++)
	{
		c = &state->children[i];
		w->write_data8(w, chunk_from_str(c->name));
		w->write_data(w, chunk_from_thing(c->spi_in));
		w->write_data(w, chunk_from_thing(c->spi_out));
		w->write_data(w, chunk_from_thing(c->cpi_in));
		w->write_data(w, chunk_from_thing(c->cpi_out));
		w->write_uint8(w, c->mode);
		w->write_uint8(w, c->protocol);
		w->write_uint16(w, c->ipcomp);
		w->write_uint32(w, c->reqid);
		w->write_uint16(w, c->encr);
		w->write_uint16(w, c->encr_keylen);
		w->write_uint16(w, c->integ);
		w->write_uint16(w, c->ke);
		w->write_uint16(w, c->esn);
		w->write_uint32(w, c->mark_in);
		w->write_uint32(w, c->mark_out);
		w->write_uint32(w, c->if_id_in);
		w->write_uint32(w, c->if_id_out);
		write_ts_list(w, c->local_ts);
		write_ts_list(w, c->remote_ts);
	}
	out = w->extract_buf(w);
	w->destroy(w);
	return out;
}

static bool read_child(bio_reader_t *r, ipsec_ha_child_state_t *c)
{
	chunk_t name, spi_in, spi_out, cpi_in, cpi_out;

	if (!r->read_data8(r, &name) ||
		!r->read_data(r, sizeof(c->spi_in), &spi_in) ||
		!r->read_data(r, sizeof(c->spi_out), &spi_out) ||
		!r->read_data(r, sizeof(c->cpi_in), &cpi_in) ||
		!r->read_data(r, sizeof(c->cpi_out), &cpi_out) ||
		!r->read_uint8(r, &c->mode) || !r->read_uint8(r, &c->protocol) ||
		!r->read_uint16(r, &c->ipcomp) || !r->read_uint32(r, &c->reqid) ||
		!r->read_uint16(r, &c->encr) || !r->read_uint16(r, &c->encr_keylen) ||
		!r->read_uint16(r, &c->integ) || !r->read_uint16(r, &c->ke) ||
		!r->read_uint16(r, &c->esn) || !r->read_uint32(r, &c->mark_in) ||
		!r->read_uint32(r, &c->mark_out) || !r->read_uint32(r, &c->if_id_in) ||
		!r->read_uint32(r, &c->if_id_out))
	{
		return FALSE;
	}
	memcpy(&c->spi_in, spi_in.ptr, sizeof(c->spi_in));
	memcpy(&c->spi_out, spi_out.ptr, sizeof(c->spi_out));
	memcpy(&c->cpi_in, cpi_in.ptr, sizeof(c->cpi_in));
	memcpy(&c->cpi_out, cpi_out.ptr, sizeof(c->cpi_out));
	c->name = clone_str(name);
	c->local_ts = linked_list_create();
	c->remote_ts = linked_list_create();
	return read_ts_list(r, c->local_ts) && read_ts_list(r, c->remote_ts);
}

/*
 * Described in header.
 */
bool ipsec_ha_state_decode(chunk_t data, ipsec_ha_state_t *state)
{
	bio_reader_t *r = bio_reader_create(data);
	chunk_t name, secret, skd;
	uint8_t version, n;
	bool ok = FALSE;
	int i;

	memset(state, 0, sizeof(*state));
	state->old_prf = PRF_UNDEFINED;
	if (!r->read_uint8(r, &version) || version != IPSEC_HA_STATE_VERSION ||
		!r->read_data8(r, &name) || !r->read_data16(r, &secret) ||
		!r->read_uint16(r, &state->old_prf) || !r->read_data8(r, &skd) ||
		!r->read_uint32(r, &state->conditions) ||
		!r->read_uint32(r, &state->extensions) ||
		!r->read_uint8(r, &n) || n > IPSEC_HA_STATE_CHILDREN)
	{
		goto out;
	}
	state->peer_cfg = clone_str(name);
	state->secret = chunk_clone(secret);
	state->old_skd = chunk_clone(skd);
	for (i = 0; i < n; i++)
	{
		state->nr_children++;
		if (!read_child(r, &state->children[i]))
		{
			goto out;
		}
	}
	ok = r->remaining(r) == 0;
out:
	r->destroy(r);
	if (!ok)
	{
		ipsec_ha_state_clear(state);
	}
	return ok;
}
