// SPDX-License-Identifier: GPL-2.0
/* The resource-file parser (tools/config.c): valid forms, and each error with its position. */
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "config.h"
#include "tandem_netlink.h"

static struct tdm_cfg cfg;
static struct tdm_cfg_err err;

static const char *MAIN =
	"# defaults\n"
	"common {\n"
	"    protocol async;\n"
	"    options { timeout 4000; congestion-limit 32; }\n"
	"}\n";

static const char *R0 =
	"resource r0 {\n"
	"\tminor 0;\n"
	"\tprotocol sync;   # overrides common\n"
	"\tsecret-file \"/etc/tandem/r0 secret\";\n"
	"\toptions { resync-rate 200; }\n"
	"\tnode alpha { disk /dev/sdb; address 10.99.0.1:7789; }\n"
	"\tnode beta {\n"
	"\t\tdisk UUID=0a1b-22;\n"
	"\t\tmeta-disk /dev/vg/r0-meta;\n"
	"\t\taddress 10.99.0.2:7789;\n"
	"\t}\n"
	"}\n"
	"resource web.1 { minor 7; insecure; node a { disk LABEL=web; address [fd00::1]:7790; }"
	" node b { disk /dev/vdc; address [fd00::2]:7790; } }\n";

static void test_valid(void)
{
	const struct tdm_cfg_res *r;
	const struct tdm_cfg_node *n;

	tdm_cfg_init(&cfg);
	CHECK_EQ(tdm_cfg_parse(&cfg, "tandem.conf", MAIN, true, &err), 0);
	CHECK_EQ(tdm_cfg_parse(&cfg, "r0.res", R0, false, &err), 0);
	CHECK_EQ(tdm_cfg_check(&cfg, &err), 0);
	CHECK_EQ(cfg.nr_res, 2);
	r = tdm_cfg_find(&cfg, "r0");
	CHECK(r != NULL);
	if (!r)
		return;
	CHECK_EQ(r->minor, 0);
	CHECK_EQ(r->line, 1);
	CHECK_EQ(r->opts.protocol, TANDEM_PROTO_SYNC);
	CHECK_EQ(r->opts.timeout_ms, 4000);
	CHECK_EQ(r->opts.congestion_limit, 32);
	CHECK_EQ(r->opts.resync_rate, 200);
	CHECK_STR(r->opts.secret_file, "/etc/tandem/r0 secret");
	n = tdm_cfg_node(r, "beta");
	CHECK(n != NULL);
	if (n) {
		CHECK_STR(n->disk, "UUID=0a1b-22");
		CHECK_STR(n->meta_disk, "/dev/vg/r0-meta");
		CHECK_STR(n->address, "10.99.0.2:7789");
		CHECK_STR(tdm_cfg_node(r, "alpha")->meta_disk, "");
	}
	CHECK(tdm_cfg_node(r, "gamma") == NULL);
	r = tdm_cfg_find(&cfg, "web.1");
	CHECK(r != NULL);
	if (!r)
		return;
	CHECK_EQ(r->minor, 7);
	CHECK_EQ(r->opts.protocol, TANDEM_PROTO_ASYNC);
	CHECK_EQ(r->opts.resync_rate, 0);
	CHECK_STR(r->nodes[0].address, "[fd00::1]:7790");
	CHECK(tdm_cfg_find(&cfg, "r1") == NULL);
}

/* Without a common block, unset options stay 0 (the module's defaults). */
static void test_defaults(void)
{
	const struct tdm_cfg_res *r;

	tdm_cfg_init(&cfg);
	CHECK_EQ(tdm_cfg_parse(&cfg, "tandem.conf", "", true, &err), 0);
	CHECK_EQ(tdm_cfg_parse(&cfg, "r.res", "resource r{minor 1;insecure;node a{disk /d;address 1.2.3.4:1;}"
			       "node b{disk /e;address 1.2.3.5:1;}}", false, &err), 0);
	CHECK_EQ(tdm_cfg_check(&cfg, &err), 0);
	r = tdm_cfg_find(&cfg, "r");
	CHECK(r && !r->opts.protocol && !r->opts.timeout_ms && !r->opts.secret_file[0]);
}


/*
 * Parse TEXT (a .res file, or tandem.conf if IS_MAIN); with CHECK, then check
 * it too. The first failure must be exactly WANT.
 */
static void expect_error(const char *text, bool is_main, bool check, const char *want, int line)
{
	char buf[512];
	int ret;

	tdm_cfg_init(&cfg);
	memset(&err, 0, sizeof(err));
	ret = tdm_cfg_parse(&cfg, is_main ? "tandem.conf" : "x.res", text, is_main, &err);
	if (!ret && check)
		ret = tdm_cfg_check(&cfg, &err);
	if (!ret) {
		unit_failed++;
		fprintf(stderr, "%s:%d: accepted, expected \"%s\"\n", __FILE__, line, want);
		return;
	}
	tdm_cfg_strerror(&err, buf, sizeof(buf));
	if (!strcmp(buf, want)) {
		unit_passed++;
	} else {
		unit_failed++;
		fprintf(stderr, "%s:%d: \"%s\", expected \"%s\"\n", __FILE__, line, buf, want);
	}
}

#define EXPECT_ERROR(text, want) expect_error(text, false, false, want, __LINE__)

static void test_syntax_errors(void)
{
	EXPECT_ERROR("resource r0 {\n  minor 0\n  node a { }\n}\n",
		     "x.res:3:3: expected ';' after the value of 'minor', found 'node'");
	EXPECT_ERROR("resource r0 {\n  minr 0;\n}\n",
		     "x.res:2:3: unknown keyword 'minr' in a resource (expected minor, protocol, fencing, on-io-error, disk-timeout, after-sb-0pri, after-sb-1pri, secret-file, insecure, options, handlers or node)");
	EXPECT_ERROR("resource r0 {\n  options { timeout 100; }\n}\n",
		     "x.res:2:21: timeout must be a number from 500 to 30000 ms, not '100'");
	EXPECT_ERROR("resource r0 {\n  options { timeout 5s; }\n}\n",
		     "x.res:2:21: timeout must be a number from 500 to 30000 ms, not '5s'");
	EXPECT_ERROR("resource r0 {\n  options { resync-rate 0; }\n}\n",
		     "x.res:2:25: resync-rate must be a number from 1 to 30000 MiB/s, not '0'");
	EXPECT_ERROR("resource r0 {\n  options { congestion-limit 30001; }\n}\n",
		     "x.res:2:30: congestion-limit must be a number from 1 to 30000 MiB, not '30001'");
	EXPECT_ERROR("resource r0 {\n  options { ko-count 0; }\n}\n",
		     "x.res:2:22: ko-count must be a number from 1 to 100 timeouts, not '0'");
	EXPECT_ERROR("resource r0 {\n  options { timeout; }\n}\n",
		     "x.res:2:20: expected a number, found ';'");
	EXPECT_ERROR("resource r0 {\n  options { speed 5; }\n}\n",
		     "x.res:2:13: unknown option 'speed' (expected timeout, resync-rate, congestion-limit or ko-count)");
	EXPECT_ERROR("resource r0 { minor 1024; }",
		     "x.res:1:21: minor must be a number from 0 to 1023, not '1024'");
	EXPECT_ERROR("resource r0 { minor -1; }",
		     "x.res:1:21: minor must be a number from 0 to 1023, not '-1'");
	EXPECT_ERROR("resource r0 {\n protocol C;\n}",
		     "x.res:2:2: protocol must be async or sync, not 'C'");
	EXPECT_ERROR("resource r0 {\n secret-file \"/etc/x\n}",
		     "x.res:2:14: unterminated string");
	EXPECT_ERROR("resource r0 { minor 0; } $",
		     "x.res:1:26: unexpected character '$'");
	EXPECT_ERROR("resource r0 {\n minor 0;\n",
		     "x.res:3:1: expected a resource setting or '}', found the end of the file");
	EXPECT_ERROR("resource {", "x.res:1:10: expected a resource name after 'resource', found '{'");
	EXPECT_ERROR("resource .r0 {}",
		     "x.res:1:10: bad resource name '.r0': resource name must not start with '.' or '-'");
	EXPECT_ERROR("resource r0 minor 0;", "x.res:1:13: expected '{' after the resource name, found 'minor'");
	EXPECT_ERROR("common { }", "x.res:1:1: unknown keyword 'common' (expected resource)");
	EXPECT_ERROR("; resource r0 {}", "x.res:1:1: expected 'resource', found ';'");
	EXPECT_ERROR("resource r0 { node a { disk /d; port 7; } }",
		     "x.res:1:33: unknown keyword 'port' in a node (expected disk, meta-disk or address)");
	EXPECT_ERROR("resource r0 { node a { disk; } }",
		     "x.res:1:28: expected a value after 'disk', found ';'");
	EXPECT_ERROR("resource r0 { node a {} node b {} node c {} }",
		     "x.res:1:35: resource 'r0' has more than two nodes");
	expect_error("resource r0 {}", true, false,
		     "tandem.conf:1:1: unknown keyword 'resource' (expected common; resources go in <name>.res files)",
		     __LINE__);
	expect_error("common {\n  minor 0;\n}", true, false,
		     "tandem.conf:2:3: unknown keyword 'minor' in common (expected protocol, fencing, on-io-error, disk-timeout, after-sb-0pri, after-sb-1pri, secret-file, insecure, options or handlers)",
		     __LINE__);
}

#define NODES "node a { disk /d; address 1.2.3.4:7789; } node b { disk /e; address 1.2.3.5:7789; }"
#define EXPECT_CHECK(text, want) expect_error(text, false, true, want, __LINE__)

static void test_check_errors(void)
{
	EXPECT_CHECK("resource r0 { " NODES " }", "x.res:1:1: resource 'r0' has no minor");
	EXPECT_CHECK("resource r0 { minor 0; node a { disk /d; address 1.2.3.4:1; } }",
		     "x.res:1:1: resource 'r0' needs two nodes, it has 1");
	EXPECT_CHECK("resource r0 { minor 0;\nnode a { disk /d; address 1.2.3.4:1; }\n"
		     "node a { disk /e; address 1.2.3.5:1; } }",
		     "x.res:3:1: resource 'r0': both nodes are named 'a'");
	EXPECT_CHECK("resource r0 { minor 0; node a { address 1.2.3.4:1; } node b { disk /e; address 1.2.3.5:1; } }",
		     "x.res:1:24: resource 'r0', node 'a': no disk");
	EXPECT_CHECK("resource r0 { minor 0; node a { disk /d; meta-disk /d; address 1.2.3.4:1; } node b { disk /e; address 1.2.3.5:1; } }",
		     "x.res:1:24: resource 'r0', node 'a': meta-disk is the disk itself (leave it out for internal metadata)");
	EXPECT_CHECK("resource r0 { minor 0; node a { disk /d; } node b { disk /e; address 1.2.3.5:1; } }",
		     "x.res:1:24: resource 'r0', node 'a': no address");
	EXPECT_CHECK("resource r0 { minor 0; node a { disk /d; address 1.2.3.4; } node b { disk /e; address 1.2.3.5:1; } }",
		     "x.res:1:24: resource 'r0', node 'a': address '1.2.3.4' is not ADDR:PORT or [ADDR6]:PORT");
	EXPECT_CHECK("resource r0 { minor 0; node a { disk /d; address host:1; } node b { disk /e; address 1.2.3.5:1; } }",
		     "x.res:1:24: resource 'r0', node 'a': address 'host:1' is not ADDR:PORT or [ADDR6]:PORT");
	EXPECT_CHECK("resource r0 { minor 0; node a { disk /d; address 1.2.3.4:70000; } node b { disk /e; address 1.2.3.5:1; } }",
		     "x.res:1:24: resource 'r0', node 'a': address '1.2.3.4:70000' is not ADDR:PORT or [ADDR6]:PORT");
	EXPECT_CHECK("resource r0 { minor 0; node a { disk /d; address 1.2.3.4:1; } node b { disk /e; address [::1]:1; } }",
		     "x.res:1:1: resource 'r0': one node's address is IPv4, the other's IPv6");
	EXPECT_CHECK("resource r0 { minor 0; node a { disk /d; address 1.2.3.4:1; }\nnode b { disk /e; address 1.2.3.4:1; } }",
		     "x.res:2:1: resource 'r0': both nodes have the address 1.2.3.4:1");
	EXPECT_CHECK("resource r0 { minor 0; insecure; " NODES " }\nresource r1 { minor 0; insecure; " NODES " }",
		     "x.res:2:1: resources 'r0' and 'r1' both use minor 0");
	EXPECT_CHECK("resource r0 { minor 0; insecure; " NODES " }\nresource r0 { minor 1; insecure; " NODES " }",
		     "x.res:2:1: resource 'r0' is also defined in x.res:1");
}

/*
 * Secure by default: a resource needs a secret-file, or says insecure;
 * (here, or in common for every resource); not both.
 */
static void test_secret(void)
{
	EXPECT_CHECK("resource r0 { minor 0; " NODES " }",
		     "x.res:1:1: resource 'r0' has no secret-file: anyone at the peer's address could replicate with it (tandemctl new-secret r0 writes one; or say insecure;)");
	EXPECT_CHECK("resource r0 { minor 0; insecure; secret-file /s; " NODES " }",
		     "x.res:1:1: resource 'r0' says both secret-file and insecure");
	EXPECT_ERROR("resource r0 { insecure yes; }",
		     "x.res:1:24: expected ';' after 'insecure', found 'yes'");
	tdm_cfg_init(&cfg);
	CHECK_EQ(tdm_cfg_parse(&cfg, "tandem.conf", "common { insecure; }", true, &err), 0);
	CHECK_EQ(tdm_cfg_parse(&cfg, "x.res", "resource r0 { minor 0; " NODES " }", false, &err), 0);
	CHECK_EQ(tdm_cfg_check(&cfg, &err), 0);
	tdm_cfg_init(&cfg);
	CHECK_EQ(tdm_cfg_parse(&cfg, "x.res", "resource r0 { minor 0; secret-file /s; " NODES " }",
			       false, &err), 0);
	CHECK_EQ(tdm_cfg_check(&cfg, &err), 0);
}

/* fencing and its handler: from common, overridden per resource; each error. */
static void test_fencing(void)
{
	const struct tdm_cfg_res *r;

	tdm_cfg_init(&cfg);
	CHECK_EQ(tdm_cfg_parse(&cfg, "tandem.conf", "common { insecure; fencing resource-only;\n"
			       "handlers { fence-peer /usr/lib/tandem/fence-vrrp; } }", true, &err), 0);
	CHECK_EQ(tdm_cfg_parse(&cfg, "r.res", "resource r0 { minor 0; " NODES " }\n"
			       "resource r1 { minor 1; fencing resource-and-stonith;\n"
			       "handlers { fence-peer \"/opt/my fence\"; } " NODES " }", false, &err), 0);
	CHECK_EQ(tdm_cfg_check(&cfg, &err), 0);
	r = tdm_cfg_find(&cfg, "r0");
	CHECK(r && r->opts.fencing == TANDEM_FENCING_RESOURCE_ONLY &&
	      !strcmp(r->opts.fence_peer, "/usr/lib/tandem/fence-vrrp"));
	r = tdm_cfg_find(&cfg, "r1");
	CHECK(r && r->opts.fencing == TANDEM_FENCING_RESOURCE_AND_STONITH &&
	      !strcmp(r->opts.fence_peer, "/opt/my fence"));

	EXPECT_ERROR("resource r0 { minor 0;\n  fencing stonith; }",
		     "x.res:2:3: fencing must be none, resource-only or resource-and-stonith, not 'stonith'");
	EXPECT_ERROR("resource r0 { handlers { fence-peer fence.sh; } }",
		     "x.res:1:26: fence-peer must be an absolute path shorter than 256 characters");
	EXPECT_ERROR("resource r0 { handlers { split-brains /x; } }",
		     "x.res:1:26: unknown handler 'split-brains' (expected fence-peer, split-brain, out-of-sync, local-io-error, before-resync-target, after-resync-target or pri-lost-after-sb)");
	EXPECT_ERROR("resource r0 { handlers { out-of-sync mail.sh; } }",
		     "x.res:1:26: out-of-sync must be an absolute path shorter than 256 characters");
	EXPECT_ERROR("resource r0 { handlers fence-peer /x; }",
		     "x.res:1:24: expected '{' after 'handlers', found 'fence-peer'");
	EXPECT_CHECK("resource r0 { minor 0; fencing resource-only; " NODES " }",
		     "x.res:1:1: resource 'r0': fencing resource-only needs handlers { fence-peer PATH; }");
	/* The other handlers: common sets them, a resource overrides one. */
	tdm_cfg_init(&cfg);
	CHECK_EQ(tdm_cfg_parse(&cfg, "tandem.conf", "common { handlers { split-brain /a; local-io-error /b; } }",
			       true, &err), 0);
	CHECK_EQ(tdm_cfg_parse(&cfg, "x.res", "resource r0 { minor 0; insecure; handlers { split-brain /c; "
			       "before-resync-target /d; after-resync-target /e; out-of-sync /f; } " NODES " }",
			       false, &err), 0);
	CHECK_EQ(tdm_cfg_check(&cfg, &err), 0);
	r = tdm_cfg_find(&cfg, "r0");
	CHECK(r && !strcmp(r->opts.handlers[TANDEM_HANDLER_SPLIT_BRAIN], "/c") &&
	      !strcmp(r->opts.handlers[TANDEM_HANDLER_LOCAL_IO_ERROR], "/b") &&
	      !strcmp(r->opts.handlers[TANDEM_HANDLER_BEFORE_RESYNC_TARGET], "/d") &&
	      !strcmp(r->opts.handlers[TANDEM_HANDLER_AFTER_RESYNC_TARGET], "/e") &&
	      !strcmp(r->opts.handlers[TANDEM_HANDLER_OUT_OF_SYNC], "/f") && !r->opts.fence_peer[0]);
	/* fencing none needs no handler. */
	tdm_cfg_init(&cfg);
	CHECK_EQ(tdm_cfg_parse(&cfg, "x.res", "resource r0 { minor 0; fencing none; insecure; " NODES " }",
			       false, &err), 0);
	CHECK_EQ(tdm_cfg_check(&cfg, &err), 0);
}

/* on-io-error: common sets it, a resource overrides it; anything else is refused. */
static void test_on_io_error(void)
{
	struct tdm_cfg cfg;

	tdm_cfg_init(&cfg);
	CHECK_EQ(tdm_cfg_parse(&cfg, "tandem.conf", "common { on-io-error pass-on; insecure; }", true, &err), 0);
	CHECK_EQ(tdm_cfg_parse(&cfg, "a.res", "resource a { minor 0; " NODES " }", false, &err), 0);
	CHECK_EQ(tdm_cfg_parse(&cfg, "b.res", "resource b { minor 1; on-io-error detach; " NODES " }",
			       false, &err), 0);
	CHECK_EQ(tdm_cfg_check(&cfg, &err), 0);
	CHECK_EQ(cfg.res[0].opts.on_io_error, TANDEM_ON_IO_ERROR_PASS_ON);
	CHECK_EQ(cfg.res[1].opts.on_io_error, TANDEM_ON_IO_ERROR_DETACH);
	/* ko-count, an option like the others. */
	tdm_cfg_init(&cfg);
	CHECK_EQ(tdm_cfg_parse(&cfg, "k.res", "resource k { minor 0; insecure; options { ko-count 7; } "
			       NODES " }", false, &err), 0);
	CHECK_EQ(cfg.res[0].opts.ko_count, 7);
	/* after-sb policies: common's, overridden per resource; a wrong value. */
	tdm_cfg_init(&cfg);
	CHECK_EQ(tdm_cfg_parse(&cfg, "tandem.conf", "common { insecure; after-sb-0pri discard-zero-changes; "
			       "after-sb-1pri consensus; }", true, &err), 0);
	CHECK_EQ(tdm_cfg_parse(&cfg, "s.res", "resource s { minor 0; after-sb-0pri discard-least-changes; "
			       NODES " }", false, &err), 0);
	CHECK_EQ(cfg.res[0].opts.after_sb_0pri, TANDEM_SB0_DISCARD_LEAST_CHANGES);
	CHECK_EQ(cfg.res[0].opts.after_sb_1pri, TANDEM_SB1_CONSENSUS);
	EXPECT_ERROR("resource r0 { after-sb-1pri discard-zero-changes; }",
		     "x.res:1:15: after-sb-1pri must be disconnect, discard-secondary, consensus or call-pri-lost-after-sb");
	EXPECT_ERROR("resource r0 { after-sb-0pri discard-secondary; }",
		     "x.res:1:15: after-sb-0pri must be disconnect, discard-zero-changes, "
		     "discard-least-changes, discard-younger-primary or discard-older-primary");
	EXPECT_ERROR("resource r0 { on-io-error call-local-io-error; }",
		     "x.res:1:15: on-io-error must be detach or pass-on, not 'call-local-io-error'");
}

/*
 * disk-timeout: common sets it, a resource overrides it, 0 (off) is a
 * setting of its own; below the minimum or above the maximum is refused.
 */
static void test_disk_timeout(void)
{
	struct tdm_cfg cfg;

	tdm_cfg_init(&cfg);
	CHECK_EQ(tdm_cfg_parse(&cfg, "tandem.conf", "common { disk-timeout 5000; insecure; }", true,
			       &err), 0);
	CHECK_EQ(tdm_cfg_parse(&cfg, "a.res", "resource a { minor 0; " NODES " }", false, &err), 0);
	CHECK_EQ(tdm_cfg_parse(&cfg, "b.res", "resource b { minor 1; disk-timeout 0; " NODES " }",
			       false, &err), 0);
	CHECK_EQ(tdm_cfg_check(&cfg, &err), 0);
	CHECK(cfg.res[0].opts.disk_timeout_set);
	CHECK_EQ(cfg.res[0].opts.disk_timeout_ms, 5000);
	CHECK(cfg.res[1].opts.disk_timeout_set);
	CHECK_EQ(cfg.res[1].opts.disk_timeout_ms, 0);
	tdm_cfg_init(&cfg);
	CHECK_EQ(tdm_cfg_parse(&cfg, "c.res", "resource c { minor 0; insecure; " NODES " }", false,
			       &err), 0);
	CHECK(!cfg.res[0].opts.disk_timeout_set);
	EXPECT_ERROR("resource r0 { disk-timeout 999; }",
		     "x.res:1:15: disk-timeout must be 0 (off) or 1000 to 600000 ms, not '999'");
	EXPECT_ERROR("resource r0 { disk-timeout 600001; }",
		     "x.res:1:15: disk-timeout must be 0 (off) or 1000 to 600000 ms, not '600001'");
	EXPECT_ERROR("resource r0 { disk-timeout 2s; }",
		     "x.res:1:15: disk-timeout must be 0 (off) or 1000 to 600000 ms, not '2s'");
}

void test_config(void)
{
	test_valid();
	test_fencing();
	test_on_io_error();
	test_disk_timeout();
	test_secret();
	test_defaults();
	test_syntax_errors();
	test_check_errors();
}
