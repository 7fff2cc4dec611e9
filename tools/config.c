// SPDX-License-Identifier: GPL-2.0
/*
 * tandemctl: the resource-file parser and checks (see config.h). A syntax
 * error stops at the first problem and says file, line, column and what was
 * expected there; an unknown keyword is an error, never ignored.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "config.h"
#include "core/names.h"
#include "tandem_netlink.h"

enum tdm_tok { TOK_EOF, TOK_WORD, TOK_OPEN, TOK_CLOSE, TOK_SEMI };

struct tdm_lexer {
	const char *p;
	const char *file;
	int line, col;
	struct tdm_cfg_err *err;
	/* the current token */
	enum tdm_tok tok;
	char word[TDM_CFG_WORD_MAX];
	int tline, tcol;
};

static int tdm_cfg_fail(struct tdm_cfg_err *err, const char *file, int line, int col,
			const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static int tdm_cfg_fail(struct tdm_cfg_err *err, const char *file, int line, int col,
			const char *fmt, ...)
{
	va_list ap;

	snprintf(err->file, sizeof(err->file), "%s", file ? file : "");
	err->line = line;
	err->col = col;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return -1;
}

void tdm_cfg_strerror(const struct tdm_cfg_err *err, char *buf, size_t len)
{
	if (err->file[0] && err->line)
		snprintf(buf, len, "%s:%d:%d: %s", err->file, err->line, err->col, err->msg);
	else if (err->file[0])
		snprintf(buf, len, "%s: %s", err->file, err->msg);
	else
		snprintf(buf, len, "%s", err->msg);
}

static void tdm_lex_advance(struct tdm_lexer *lx)
{
	if (*lx->p == '\n') {
		lx->line++;
		lx->col = 1;
	} else {
		lx->col++;
	}
	lx->p++;
}

static bool tdm_word_char(char c)
{
	return isalnum((unsigned char)c) || (c && strchr("-_./:=[]@+,", c));
}

/* Read the next token into lx; -1 on a lexical error. */
static int tdm_lex(struct tdm_lexer *lx)
{
	size_t n = 0;

	for (;;) {
		while (*lx->p && isspace((unsigned char)*lx->p))
			tdm_lex_advance(lx);
		if (*lx->p != '#')
			break;
		while (*lx->p && *lx->p != '\n')
			tdm_lex_advance(lx);
	}
	lx->tline = lx->line;
	lx->tcol = lx->col;
	switch (*lx->p) {
	case '\0':
		lx->tok = TOK_EOF;
		return 0;
	case '{':
		lx->tok = TOK_OPEN;
		tdm_lex_advance(lx);
		return 0;
	case '}':
		lx->tok = TOK_CLOSE;
		tdm_lex_advance(lx);
		return 0;
	case ';':
		lx->tok = TOK_SEMI;
		tdm_lex_advance(lx);
		return 0;
	case '"':
		tdm_lex_advance(lx);
		while (*lx->p != '"') {
			if (!*lx->p || *lx->p == '\n')
				return tdm_cfg_fail(lx->err, lx->file, lx->tline, lx->tcol,
						    "unterminated string");
			if (*lx->p == '\\' && (lx->p[1] == '"' || lx->p[1] == '\\'))
				tdm_lex_advance(lx);
			if (n + 1 >= sizeof(lx->word))
				return tdm_cfg_fail(lx->err, lx->file, lx->tline, lx->tcol,
						    "string longer than %zu characters",
						    sizeof(lx->word) - 1);
			lx->word[n++] = *lx->p;
			tdm_lex_advance(lx);
		}
		tdm_lex_advance(lx);
		break;
	default:
		if (!tdm_word_char(*lx->p))
			return tdm_cfg_fail(lx->err, lx->file, lx->tline, lx->tcol,
					    "unexpected character '%c'", *lx->p);
		while (tdm_word_char(*lx->p)) {
			if (n + 1 >= sizeof(lx->word))
				return tdm_cfg_fail(lx->err, lx->file, lx->tline, lx->tcol,
						    "word longer than %zu characters",
						    sizeof(lx->word) - 1);
			lx->word[n++] = *lx->p;
			tdm_lex_advance(lx);
		}
		break;
	}
	lx->word[n] = '\0';
	lx->tok = TOK_WORD;
	return 0;
}

static const char *tdm_tok_str(const struct tdm_lexer *lx, char *buf, size_t len)
{
	switch (lx->tok) {
	case TOK_EOF:
		return "the end of the file";
	case TOK_OPEN:
		return "'{'";
	case TOK_CLOSE:
		return "'}'";
	case TOK_SEMI:
		return "';'";
	default:
		snprintf(buf, len, "'%s'", lx->word);
		return buf;
	}
}

/* Fail at the current token: "expected WHAT, found X". */
static int tdm_expected(struct tdm_lexer *lx, const char *what)
{
	char buf[TDM_CFG_WORD_MAX + 2];

	return tdm_cfg_fail(lx->err, lx->file, lx->tline, lx->tcol, "expected %s, found %s",
			    what, tdm_tok_str(lx, buf, sizeof(buf)));
}

/* The next token must be @tok. */
static int tdm_want(struct tdm_lexer *lx, enum tdm_tok tok, const char *what)
{
	if (tdm_lex(lx))
		return -1;
	return lx->tok == tok ? 0 : tdm_expected(lx, what);
}

/* Inside a block: a word (0), the block's end (1), or an error (-1). */
static int tdm_block_next(struct tdm_lexer *lx, const char *what)
{
	if (tdm_lex(lx))
		return -1;
	if (lx->tok == TOK_CLOSE)
		return 1;
	return lx->tok == TOK_WORD ? 0 : tdm_expected(lx, what);
}

/* "KEY VALUE;": the value into @out. */
static int tdm_value(struct tdm_lexer *lx, const char *key, char *out, size_t len)
{
	char what[64];

	snprintf(what, sizeof(what), "a value after '%s'", key);
	if (tdm_want(lx, TOK_WORD, what))
		return -1;
	snprintf(out, len, "%s", lx->word);
	snprintf(what, sizeof(what), "';' after the value of '%s'", key);
	return tdm_want(lx, TOK_SEMI, what);
}

/* "KEY N;" with N in @r's range. */
static int tdm_number(struct tdm_lexer *lx, const struct tdm_range *r, uint32_t *out)
{
	char msg[TDM_CFG_WORD_MAX + 128];

	if (tdm_lex(lx))
		return -1;
	if (lx->tok != TOK_WORD)
		return tdm_expected(lx, "a number");
	if (tdm_parse_range(r, lx->word, out, msg, sizeof(msg)))
		return tdm_cfg_fail(lx->err, lx->file, lx->tline, lx->tcol, "%s", msg);
	snprintf(msg, sizeof(msg), "';' after the value of '%s'", r->name);
	return tdm_want(lx, TOK_SEMI, msg);
}

/* The options block's keys (their ranges: the module's) and where they go. */
static const struct {
	const struct tdm_range *range;
	size_t offset;
} tdm_options[] = {
	{ &tdm_range_timeout, offsetof(struct tdm_cfg_opts, timeout_ms) },
	{ &tdm_range_resync_rate, offsetof(struct tdm_cfg_opts, resync_rate) },
	{ &tdm_range_congestion, offsetof(struct tdm_cfg_opts, congestion_limit) },
	{ &tdm_range_ko_count, offsetof(struct tdm_cfg_opts, ko_count) },
};

/* options { timeout N; resync-rate N; congestion-limit N; ko-count N; } */
static int tdm_parse_options(struct tdm_lexer *lx, struct tdm_cfg_opts *o)
{
	size_t i;
	int ret;

	if (tdm_want(lx, TOK_OPEN, "'{' after 'options'"))
		return -1;
	while (!(ret = tdm_block_next(lx, "an option or '}'"))) {
		for (i = 0; i < sizeof(tdm_options) / sizeof(tdm_options[0]); i++)
			if (!strcmp(lx->word, tdm_options[i].range->name))
				break;
		if (i == sizeof(tdm_options) / sizeof(tdm_options[0]))
			return tdm_cfg_fail(lx->err, lx->file, lx->tline, lx->tcol,
					    "unknown option '%s' (expected timeout, resync-rate, congestion-limit or ko-count)",
					    lx->word);
		if (tdm_number(lx, tdm_options[i].range,
			       (uint32_t *)((char *)o + tdm_options[i].offset)))
			return -1;
	}
	return ret < 0 ? -1 : 0;
}

/* handlers { fence-peer PATH; split-brain PATH; ... } */
static int tdm_parse_handlers(struct tdm_lexer *lx, struct tdm_cfg_opts *o)
{
	const char *key;
	char *path;
	int ret, line, col;
	size_t size;
	uint32_t which;

	if (tdm_want(lx, TOK_OPEN, "'{' after 'handlers'"))
		return -1;
	while (!(ret = tdm_block_next(lx, "a handler or '}'"))) {
		which = tdm_handler_value(lx->word);
		if (strcmp(lx->word, "fence-peer") && !which)
			return tdm_cfg_fail(lx->err, lx->file, lx->tline, lx->tcol,
					    "unknown handler '%s' (expected fence-peer, split-brain, out-of-sync, local-io-error, before-resync-target, after-resync-target or pri-lost-after-sb)",
					    lx->word);
		key = which ? tdm_handler_name(which) : "fence-peer";
		path = which ? o->handlers[which] : o->fence_peer;
		size = which ? sizeof(o->handlers[which]) : sizeof(o->fence_peer);
		line = lx->tline;
		col = lx->tcol;
		if (tdm_value(lx, key, path, size))
			return -1;
		if (path[0] != '/' || strlen(path) >= TANDEM_HANDLER_MAX)
			return tdm_cfg_fail(lx->err, lx->file, line, col,
					    "%s must be an absolute path shorter than %d characters",
					    key, TANDEM_HANDLER_MAX);
	}
	return ret < 0 ? -1 : 0;
}

/*
 * protocol, fencing, on-io-error, disk-timeout, secret-file, options or
 * handlers: 1 if the current word is none of them.
 */
static int tdm_parse_shared(struct tdm_lexer *lx, struct tdm_cfg_opts *o)
{
	char v[TDM_CFG_WORD_MAX], msg[TDM_CFG_WORD_MAX + 64];
	int line, col;

	if (!strcmp(lx->word, "after-sb-0pri") || !strcmp(lx->word, "after-sb-1pri")) {
		bool one = lx->word[9] == '1';

		line = lx->tline;
		col = lx->tcol;
		if (tdm_value(lx, one ? "after-sb-1pri" : "after-sb-0pri", v, sizeof(v)))
			return -1;
		if (one)
			o->after_sb_1pri = tdm_sb1_value(v);
		else
			o->after_sb_0pri = tdm_sb0_value(v);
		if (one ? !o->after_sb_1pri : !o->after_sb_0pri)
			return tdm_cfg_fail(lx->err, lx->file, line, col, "%s",
					    one ? "after-sb-1pri must be disconnect, discard-secondary, consensus or call-pri-lost-after-sb" :
						  "after-sb-0pri must be disconnect, discard-zero-changes, "
						  "discard-least-changes, discard-younger-primary or "
						  "discard-older-primary");
		return 0;
	}
	if (!strcmp(lx->word, "insecure")) {
		o->insecure = true;
		return tdm_want(lx, TOK_SEMI, "';' after 'insecure'");
	}
	if (!strcmp(lx->word, "on-io-error")) {
		line = lx->tline;
		col = lx->tcol;
		if (tdm_value(lx, "on-io-error", v, sizeof(v)))
			return -1;
		o->on_io_error = tdm_io_error_value(v);
		if (!o->on_io_error)
			return tdm_cfg_fail(lx->err, lx->file, line, col,
					    "on-io-error must be detach or pass-on, not '%s'", v);
		return 0;
	}
	if (!strcmp(lx->word, "disk-timeout")) {
		line = lx->tline;
		col = lx->tcol;
		if (tdm_value(lx, "disk-timeout", v, sizeof(v)))
			return -1;
		if (tdm_parse_disk_timeout(v, &o->disk_timeout_ms, msg, sizeof(msg)))
			return tdm_cfg_fail(lx->err, lx->file, line, col, "%s", msg);
		o->disk_timeout_set = true;
		return 0;
	}
	if (!strcmp(lx->word, "fencing")) {
		line = lx->tline;
		col = lx->tcol;
		if (tdm_value(lx, "fencing", v, sizeof(v)))
			return -1;
		o->fencing = tdm_fencing_value(v);
		if (!o->fencing)
			return tdm_cfg_fail(lx->err, lx->file, line, col,
					    "fencing must be none, resource-only or resource-and-stonith, not '%s'",
					    v);
		return 0;
	}
	if (!strcmp(lx->word, "handlers"))
		return tdm_parse_handlers(lx, o);

	if (!strcmp(lx->word, "protocol")) {
		line = lx->tline;
		col = lx->tcol;
		if (tdm_value(lx, "protocol", v, sizeof(v)))
			return -1;
		o->protocol = tdm_proto_value(v);
		if (!o->protocol)
			return tdm_cfg_fail(lx->err, lx->file, line, col,
					    "protocol must be async or sync, not '%s'", v);
		return 0;
	}
	if (!strcmp(lx->word, "secret-file"))
		return tdm_value(lx, "secret-file", o->secret_file, sizeof(o->secret_file));
	if (!strcmp(lx->word, "options"))
		return tdm_parse_options(lx, o);
	return 1;
}

/* Set fields of @over replace those of @base. */
static void tdm_opts_merge(struct tdm_cfg_opts *base, const struct tdm_cfg_opts *over)
{
	int i;

	if (over->protocol)
		base->protocol = over->protocol;
	if (over->secret_file[0])
		memcpy(base->secret_file, over->secret_file, sizeof(base->secret_file));
	if (over->fencing)
		base->fencing = over->fencing;
	if (over->on_io_error)
		base->on_io_error = over->on_io_error;
	if (over->disk_timeout_set) {
		base->disk_timeout_set = true;
		base->disk_timeout_ms = over->disk_timeout_ms;
	}
	if (over->insecure)
		base->insecure = true;
	if (over->after_sb_0pri)
		base->after_sb_0pri = over->after_sb_0pri;
	if (over->after_sb_1pri)
		base->after_sb_1pri = over->after_sb_1pri;
	if (over->fence_peer[0])
		memcpy(base->fence_peer, over->fence_peer, sizeof(base->fence_peer));
	for (i = 1; i < __TANDEM_HANDLER_MAX; i++)
		if (over->handlers[i][0])
			memcpy(base->handlers[i], over->handlers[i], sizeof(base->handlers[i]));
	if (over->timeout_ms)
		base->timeout_ms = over->timeout_ms;
	if (over->resync_rate)
		base->resync_rate = over->resync_rate;
	if (over->congestion_limit)
		base->congestion_limit = over->congestion_limit;
	if (over->ko_count)
		base->ko_count = over->ko_count;
}

/* node NAME { disk D; [meta-disk M;] address A; } */
static int tdm_parse_node(struct tdm_lexer *lx, struct tdm_cfg_res *r)
{
	struct tdm_cfg_node *n;
	int ret;

	if (r->nr_nodes == 2)
		return tdm_cfg_fail(lx->err, lx->file, lx->tline, lx->tcol,
				    "resource '%s' has more than two nodes", r->name);
	n = &r->nodes[r->nr_nodes++];
	n->line = lx->tline;
	n->col = lx->tcol;
	if (tdm_want(lx, TOK_WORD, "a host name after 'node'"))
		return -1;
	snprintf(n->name, sizeof(n->name), "%s", lx->word);
	if (tdm_want(lx, TOK_OPEN, "'{' after the node's name"))
		return -1;
	while (!(ret = tdm_block_next(lx, "'disk', 'meta-disk', 'address' or '}'"))) {
		if (!strcmp(lx->word, "disk")) {
			if (tdm_value(lx, "disk", n->disk, sizeof(n->disk)))
				return -1;
		} else if (!strcmp(lx->word, "meta-disk")) {
			if (tdm_value(lx, "meta-disk", n->meta_disk, sizeof(n->meta_disk)))
				return -1;
		} else if (!strcmp(lx->word, "address")) {
			if (tdm_value(lx, "address", n->address, sizeof(n->address)))
				return -1;
		} else {
			return tdm_cfg_fail(lx->err, lx->file, lx->tline, lx->tcol,
					    "unknown keyword '%s' in a node (expected disk, meta-disk or address)",
					    lx->word);
		}
	}
	return ret < 0 ? -1 : 0;
}

static int tdm_parse_resource(struct tdm_lexer *lx, struct tdm_cfg *cfg)
{
	struct tdm_cfg_opts own = { 0 };
	struct tdm_cfg_res *r;
	uint32_t minor;
	int ret;

	if (cfg->nr_res == TDM_CFG_MAX_RES)
		return tdm_cfg_fail(lx->err, lx->file, lx->tline, lx->tcol,
				    "more than %d resources", TDM_CFG_MAX_RES);
	r = &cfg->res[cfg->nr_res];
	memset(r, 0, sizeof(*r));
	r->minor = -1;
	r->line = lx->tline;
	snprintf(r->file, sizeof(r->file), "%s", lx->file);
	if (tdm_want(lx, TOK_WORD, "a resource name after 'resource'"))
		return -1;
	if (tdm_name_check(lx->word) != TDM_NAME_OK)
		return tdm_cfg_fail(lx->err, lx->file, lx->tline, lx->tcol,
				    "bad resource name '%s': %s", lx->word,
				    tdm_name_strerror(tdm_name_check(lx->word)));
	snprintf(r->name, sizeof(r->name), "%s", lx->word);
	if (tdm_want(lx, TOK_OPEN, "'{' after the resource name"))
		return -1;
	while (!(ret = tdm_block_next(lx, "a resource setting or '}'"))) {
		ret = tdm_parse_shared(lx, &own);
		if (ret < 0)
			return -1;
		if (!ret)
			continue;
		if (!strcmp(lx->word, "minor")) {
			if (tdm_number(lx, &tdm_range_minor, &minor))
				return -1;
			r->minor = (int)minor;
		} else if (!strcmp(lx->word, "node")) {
			if (tdm_parse_node(lx, r))
				return -1;
		} else {
			return tdm_cfg_fail(lx->err, lx->file, lx->tline, lx->tcol,
					    "unknown keyword '%s' in a resource (expected minor, protocol, fencing, on-io-error, disk-timeout, after-sb-0pri, after-sb-1pri, secret-file, insecure, options, handlers or node)",
					    lx->word);
		}
	}
	if (ret < 0)
		return -1;
	r->opts = cfg->common;
	tdm_opts_merge(&r->opts, &own);
	cfg->nr_res++;
	return 0;
}

/* common { protocol ...; fencing ...; secret-file ...; options { ... } handlers { ... } } */
static int tdm_parse_common(struct tdm_lexer *lx, struct tdm_cfg *cfg)
{
	int ret;

	if (tdm_want(lx, TOK_OPEN, "'{' after 'common'"))
		return -1;
	while (!(ret = tdm_block_next(lx, "a common setting or '}'"))) {
		ret = tdm_parse_shared(lx, &cfg->common);
		if (ret < 0)
			return -1;
		if (ret)
			return tdm_cfg_fail(lx->err, lx->file, lx->tline, lx->tcol,
					    "unknown keyword '%s' in common (expected protocol, fencing, on-io-error, disk-timeout, after-sb-0pri, after-sb-1pri, secret-file, insecure, options or handlers)",
					    lx->word);
	}
	return ret < 0 ? -1 : 0;
}

void tdm_cfg_init(struct tdm_cfg *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
}

int tdm_cfg_parse(struct tdm_cfg *cfg, const char *file, const char *text, bool is_main,
		  struct tdm_cfg_err *err)
{
	struct tdm_lexer lx = { .p = text, .file = file, .line = 1, .col = 1, .err = err };

	for (;;) {
		if (tdm_lex(&lx))
			return -1;
		if (lx.tok == TOK_EOF)
			return 0;
		if (lx.tok != TOK_WORD)
			return tdm_expected(&lx, is_main ? "'common'" : "'resource'");
		if (is_main && !strcmp(lx.word, "common")) {
			if (tdm_parse_common(&lx, cfg))
				return -1;
		} else if (!is_main && !strcmp(lx.word, "resource")) {
			if (tdm_parse_resource(&lx, cfg))
				return -1;
		} else {
			return tdm_cfg_fail(err, file, lx.tline, lx.tcol,
					    "unknown keyword '%s' (expected %s)", lx.word,
					    is_main ? "common; resources go in <name>.res files" :
					    "resource");
		}
	}
}

static int tdm_check_res(const struct tdm_cfg_res *r, struct tdm_cfg_err *err)
{
	struct tdm_endpoint ep[2];
	int i;

	if (r->minor < 0)
		return tdm_cfg_fail(err, r->file, r->line, 1, "resource '%s' has no minor", r->name);
	if (r->nr_nodes != 2)
		return tdm_cfg_fail(err, r->file, r->line, 1,
				    "resource '%s' needs two nodes, it has %d", r->name, r->nr_nodes);
	if (r->opts.fencing > TANDEM_FENCING_NONE && !r->opts.fence_peer[0])
		return tdm_cfg_fail(err, r->file, r->line, 1,
				    "resource '%s': fencing %s needs handlers { fence-peer PATH; }",
				    r->name, tdm_fencing_name(r->opts.fencing));
	if (!strcmp(r->nodes[0].name, r->nodes[1].name))
		return tdm_cfg_fail(err, r->file, r->nodes[1].line, r->nodes[1].col,
				    "resource '%s': both nodes are named '%s'", r->name,
				    r->nodes[0].name);
	for (i = 0; i < 2; i++) {
		const struct tdm_cfg_node *n = &r->nodes[i];

		if (!n->disk[0])
			return tdm_cfg_fail(err, r->file, n->line, n->col,
					    "resource '%s', node '%s': no disk", r->name, n->name);
		if (!strcmp(n->disk, n->meta_disk))
			return tdm_cfg_fail(err, r->file, n->line, n->col,
					    "resource '%s', node '%s': meta-disk is the disk itself (leave it out for internal metadata)",
					    r->name, n->name);
		if (!n->address[0])
			return tdm_cfg_fail(err, r->file, n->line, n->col,
					    "resource '%s', node '%s': no address", r->name, n->name);
		if (tdm_parse_endpoint(n->address, &ep[i]))
			return tdm_cfg_fail(err, r->file, n->line, n->col,
					    "resource '%s', node '%s': address '%s' is not ADDR:PORT or [ADDR6]:PORT",
					    r->name, n->name, n->address);
	}
	if (ep[0].addr_len != ep[1].addr_len)
		return tdm_cfg_fail(err, r->file, r->line, 1,
				    "resource '%s': one node's address is IPv4, the other's IPv6", r->name);
	if (!memcmp(ep[0].addr, ep[1].addr, ep[0].addr_len) && ep[0].port == ep[1].port)
		return tdm_cfg_fail(err, r->file, r->nodes[1].line, r->nodes[1].col,
				    "resource '%s': both nodes have the address %s", r->name,
				    r->nodes[0].address);
	/*
	 * Without a secret, any process that can use the peer's address may
	 * act as the peer: take a full copy, or overwrite our data. Only when
	 * asked for.
	 */
	if (!r->opts.secret_file[0] && !r->opts.insecure)
		return tdm_cfg_fail(err, r->file, r->line, 1,
				    "resource '%s' has no secret-file: anyone at the peer's address could replicate with it (tandemctl new-secret %s writes one; or say insecure;)",
				    r->name, r->name);
	if (r->opts.secret_file[0] && r->opts.insecure)
		return tdm_cfg_fail(err, r->file, r->line, 1,
				    "resource '%s' says both secret-file and insecure", r->name);
	return 0;
}

int tdm_cfg_check(const struct tdm_cfg *cfg, struct tdm_cfg_err *err)
{
	int i, j;

	for (i = 0; i < cfg->nr_res; i++) {
		const struct tdm_cfg_res *r = &cfg->res[i];

		if (tdm_check_res(r, err))
			return -1;
		for (j = 0; j < i; j++) {
			const struct tdm_cfg_res *o = &cfg->res[j];

			if (!strcmp(o->name, r->name))
				return tdm_cfg_fail(err, r->file, r->line, 1,
						    "resource '%s' is also defined in %s:%d",
						    r->name, o->file, o->line);
			if (o->minor == r->minor)
				return tdm_cfg_fail(err, r->file, r->line, 1,
						    "resources '%s' and '%s' both use minor %d",
						    o->name, r->name, r->minor);
		}
	}
	return 0;
}

const struct tdm_cfg_res *tdm_cfg_find(const struct tdm_cfg *cfg, const char *name)
{
	int i;

	for (i = 0; i < cfg->nr_res; i++)
		if (!strcmp(cfg->res[i].name, name))
			return &cfg->res[i];
	return NULL;
}

const struct tdm_cfg_node *tdm_cfg_node(const struct tdm_cfg_res *res, const char *host)
{
	int i;

	for (i = 0; i < res->nr_nodes; i++)
		if (!strcmp(res->nodes[i].name, host))
			return &res->nodes[i];
	return NULL;
}
