// SPDX-License-Identifier: GPL-2.0
/*
 * tandemctl: reading the configuration directory (tandem.conf, then every
 * *.res in name order) and finding this node in a resource.
 */
#include <errno.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "resfile.h"
#include "tandemctl.h"

const char *tdm_config_dir;
const char *tdm_node_name;

static const char *tdm_cfg_dir(void)
{
	const char *env = getenv("TANDEM_CONFIG_DIR");

	if (tdm_config_dir)
		return tdm_config_dir;
	return env && env[0] ? env : "/etc/tandem";
}

/* A whole file as a string (malloc'ed), NULL with errno. */
static char *tdm_slurp(const char *path)
{
	size_t len = 0, cap = 4096, n;
	char *buf = malloc(cap);
	FILE *f = fopen(path, "r");

	if (!f || !buf) {
		free(buf);
		if (f)
			fclose(f);
		return NULL;
	}
	while ((n = fread(buf + len, 1, cap - len - 1, f)) > 0) {
		len += n;
		if (len + 1 == cap) {
			char *more = realloc(buf, cap *= 2);

			if (!more) {
				free(buf);
				fclose(f);
				errno = ENOMEM;
				return NULL;
			}
			buf = more;
		}
	}
	fclose(f);
	if (memchr(buf, '\0', len)) {
		free(buf);
		errno = EINVAL;
		return NULL;
	}
	buf[len] = '\0';
	return buf;
}

static int tdm_cfg_file(struct tdm_cfg *cfg, const char *path, bool is_main, bool optional)
{
	struct tdm_cfg_err err = { 0 };
	char msg[768];
	char *text;
	int ret;

	text = tdm_slurp(path);
	if (!text) {
		if (optional && errno == ENOENT)
			return 0;
		fprintf(stderr, "tandemctl: %s: %s\n", path, strerror(errno));
		return TDM_EXIT_CONFIG;
	}
	ret = tdm_cfg_parse(cfg, path, text, is_main, &err);
	free(text);
	if (ret) {
		tdm_cfg_strerror(&err, msg, sizeof(msg));
		fprintf(stderr, "tandemctl: %s\n", msg);
		return TDM_EXIT_CONFIG;
	}
	return 0;
}

bool tdm_cfg_present(const char **dir)
{
	char path[4096];
	glob_t g;
	bool any;

	*dir = tdm_cfg_dir();
	snprintf(path, sizeof(path), "%s/*.res", *dir);
	any = glob(path, 0, NULL, &g) == 0 && g.gl_pathc > 0;
	globfree(&g);
	return any;
}

int tdm_cfg_load(struct tdm_cfg *cfg)
{
	struct tdm_cfg_err err = { 0 };
	const char *dir = tdm_cfg_dir();
	char path[4096], msg[768];
	glob_t g;
	size_t i;
	int ret;

	tdm_cfg_init(cfg);
	snprintf(path, sizeof(path), "%s/tandem.conf", dir);
	ret = tdm_cfg_file(cfg, path, true, true);
	if (ret)
		return ret;
	snprintf(path, sizeof(path), "%s/*.res", dir);
	ret = glob(path, 0, NULL, &g);
	if (ret == GLOB_NOMATCH) {
		fprintf(stderr, "tandemctl: no resource files (*.res) in %s\n", dir);
		return TDM_EXIT_CONFIG;
	}
	if (ret) {
		fprintf(stderr, "tandemctl: cannot read %s\n", dir);
		return TDM_EXIT_CONFIG;
	}
	for (i = 0; i < g.gl_pathc && !ret; i++)
		ret = tdm_cfg_file(cfg, g.gl_pathv[i], false, false);
	globfree(&g);
	if (ret)
		return ret;
	if (tdm_cfg_check(cfg, &err)) {
		tdm_cfg_strerror(&err, msg, sizeof(msg));
		fprintf(stderr, "tandemctl: %s\n", msg);
		return TDM_EXIT_CONFIG;
	}
	return 0;
}

/* This node's name: --node, $TANDEM_NODE, or the host name (also without its domain). */
static const struct tdm_cfg_node *tdm_me(const struct tdm_cfg_res *res, char *name, size_t len)
{
	const struct tdm_cfg_node *n;
	const char *env = getenv("TANDEM_NODE");
	char *dot;

	if (tdm_node_name || (env && env[0])) {
		snprintf(name, len, "%s", tdm_node_name ? tdm_node_name : env);
		return tdm_cfg_node(res, name);
	}
	if (gethostname(name, len - 1))
		name[0] = '\0';
	name[len - 1] = '\0';
	n = tdm_cfg_node(res, name);
	dot = strchr(name, '.');
	if (!n && dot) {
		*dot = '\0';
		n = tdm_cfg_node(res, name);
	}
	return n;
}

int tdm_cfg_local(const struct tdm_cfg *cfg, const char *name, struct tdm_local *l)
{
	char me[256];

	l->res = tdm_cfg_find(cfg, name);
	if (!l->res) {
		fprintf(stderr, "tandemctl: no resource '%s' in %s\n", name, tdm_cfg_dir());
		return TDM_EXIT_NOTFOUND;
	}
	l->me = tdm_me(l->res, me, sizeof(me));
	if (!l->me) {
		fprintf(stderr, "tandemctl: %s:%d: resource '%s' has no node named '%s' (this node; use --node NAME)\n",
			l->res->file, l->res->line, name, me);
		return TDM_EXIT_CONFIG;
	}
	l->peer = l->me == &l->res->nodes[0] ? &l->res->nodes[1] : &l->res->nodes[0];
	return 0;
}

int tdm_secret_file_ok(const char *path)
{
	struct stat st;

	if (stat(path, &st)) {
		fprintf(stderr, "tandemctl: secret file %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		fprintf(stderr, "tandemctl: secret file %s is not a regular file\n", path);
		return -1;
	}
	if (st.st_mode & 0077) {
		fprintf(stderr, "tandemctl: secret file %s is readable by others; chmod 600 it\n", path);
		return -1;
	}
	if (access(path, R_OK)) {
		fprintf(stderr, "tandemctl: secret file %s: %s\n", path, strerror(errno));
		return -1;
	}
	return 0;
}

/*
 * The shared secret: the file's bytes, without one trailing newline. The
 * file must not be readable by others, as ssh insists for its keys.
 */
int tdm_read_secret(const char *path, unsigned char *buf, size_t *len)
{
	struct stat st;
	size_t n;
	FILE *f;

	f = fopen(path, "r");
	if (!f) {
		fprintf(stderr, "tandemctl: secret file %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (fstat(fileno(f), &st) == 0 && (st.st_mode & 0077)) {
		fprintf(stderr, "tandemctl: secret file %s is readable by others; chmod 600 it\n", path);
		fclose(f);
		return -1;
	}
	n = fread(buf, 1, TANDEM_SECRET_MAX + 1, f);
	fclose(f);
	if (n && buf[n - 1] == '\n')
		n--;
	if (n < TANDEM_SECRET_MIN || n > TANDEM_SECRET_MAX) {
		fprintf(stderr, "tandemctl: secret file %s must hold %d to %d bytes\n", path,
			TANDEM_SECRET_MIN, TANDEM_SECRET_MAX);
		return -1;
	}
	*len = n;
	return 0;
}
