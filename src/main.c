/*
 * main.c: the `sanling` command: dispatch to the server and the command-line
 * tools.  Commands act as the system (no scope limit): whoever runs them on
 * the server already holds the database.  This file parses arguments and
 * prints; the work is done in the modules it calls.  die() lives here only.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <termios.h>
#include <unistd.h>

#include "api/api.h"
#include "base/alloc.h"
#include "db/group_commit.h"
#include "assess/assess.h"
#include "assess/figure_keys.h"
#include "assess/figures.h"
#include "assess/work_figures.h"
#include "base/crypto.h"
#include "base/date.h"
#include "base/exepath.h"
#include "base/conf.h"
#include "base/log.h"
#include "base/metrics.h"
#include "base/notify.h"
#include "base/strbuf.h"
#include "cli/demo_data.h"
#include "cli/bench_data.h"
#include "cli/exchange.h"
#include "db/db.h"
#include "db/replica.h"
#include "http/server.h"
#include "io/table.h"
#include "jobs/jobs.h"
#include "model/assessment.h"
#include "model/audit.h"
#include "model/dict.h"
#include "model/duban.h"
#include "model/entity.h"
#include "model/grass_desk.h"
#include "model/session.h"
#include "model/todos.h"
#include "assess/raise.h"
#include "ops/backup.h"
#include "report/report.h"
#include "version.h"

static const char usage[] =
	"usage: sanling [--config FILE] [--db URL] [--key FILE] COMMAND [ARGS]\n"
	"       sanling --version | --help\n"
	"\n"
	"  init                          create or migrate the database and the key file\n"
	"  serve [--port N] [--bind ADDR] [--threads N] [--write-threads N] [--web DIR] [--access-log]\n"
	"        [--tls-cert PEM --tls-key PEM] [--anchor-dir DIR] [--import-max-rows N] [--todo-wait S]\n"
	"        [--min-free-disk MIB] [--log-file FILE] [--log-format text|json]\n"
	"        [--backup-dir DIR [--backup-keep N] [--backup-at HH:MM]] [--metrics-listen ADDR:PORT]\n"
	"        [--db-read URL]... [--db-read-wait MS]\n"
	"                                serve the API and the web application (DIR: the audit\n"
	"                                chain's daily anchor; N: the most rows of one import,\n"
	"                                10000 on SQLite and 3000 on PostgreSQL unless given, 0 any;\n"
	"                                MIB: the free disk below which it is not ready, 256;\n"
	"                                a backup each night into DIR from HH:MM China time,\n"
	"                                02:30, the newest N kept, 7; GET /metrics for Prometheus\n"
	"                                on a listener of its own, 127.0.0.1:9464 say, no login;\n"
	"                                reads on PostgreSQL streaming replicas, a session that\n"
	"                                wrote waiting up to MS (200) for its write to be there)\n"
	"  user add NAME --role ROLE [--dept CODE] [--grid CODE] [--subject CODE] [--name TEXT]\n"
	"           [--village CODE]   (role grid: a grid worker's grid, or an auxiliary's village)\n"
	"                                add an account; the password is read from standard input\n"
	"  user passwd NAME              set a password (from standard input), to be changed at login\n"
	"  user unlock NAME              clear an account's failed logins (administrators too)\n"
	"  user retire NAME              stop an account (administrators' only here: 三员分立)\n"
	"  import KIND FILE [--keep-good]  import a list (.csv or .xlsx)\n"
	"  export KIND FILE              export a list (.csv or .xlsx)\n"
	"  template KIND FILE            write the empty import template of a list\n"
	"  audit verify [--anchor FILE]  check the audit log's keyed chain (and that it still\n"
	"                                reaches the head recorded in FILE)\n"
	"  audit anchor [-o FILE]        write the chain's current head, signed, to FILE (or print it)\n"
	"  gen demo [--demo-passwords]   load the demo district\n"
	"  gen scale --counties N [--seed S]   N districts of generated data (benchmarks)\n"
	"            [--patrols YEAR [--grids G] [--misses PERMILLE] [--patrols-csv FILE]]\n"
	"                                       and their grids' patrols of YEAR (or as a CSV)\n"
	"  figures --through YYYY-MM [--json]   the report figures (all districts)\n"
	"  explain SUBJECT --month YYYY-MM      why a subject complies or not that month\n"
	"  determine --through YYYY-MM          bring the determinations of the year so far up to\n"
	"                                       date (all districts; figures does it too)\n"
	"  work cards [--today YYYY-MM-DD]      the card pass of 督办 (yellow, red, 催办), as the\n"
	"                                       server's scheduler runs it each day\n"
	"  report monthly|bulletin --month YYYY-MM --format docx|pdf|xlsx -o FILE\n"
	"  report minutes --meeting NO | notice --item NO  --format F -o FILE\n"
	"                                       the month's documents ([--district CODE]); a\n"
	"                                       city's or province's bulletin: --region CODE\n"
	"  work raise [--today YYYY-MM-DD]      raise the problems due from published failing\n"
	"                                       months and overdue major hazards (all districts)\n"
	"  work subsidies --month YYYY-MM [--pay YYYY-MM-DD]   generate the month's subsidy ledger\n"
	"                                       (all districts), and mark its unpaid rows paid\n"
	"  exchange key [--district CODE]       the district's public key, for the city to register\n"
	"  exchange export --month YYYY-MM -o FILE [--district CODE]\n"
	"                                       the district's published month, signed, to report upward\n"
	"  exchange trust DISTRICT PUBLIC_KEY --name NAME [--parent CODE]\n"
	"                                       register a district that runs its own deployment\n"
	"  exchange import FILE                 check and store a district's signed month\n"
	"  exchange list                        the registered districts and their months imported\n"
	"  backup -o FILE                a consistent copy of the database while it runs (zstd-\n"
	"                                compressed tar with a manifest; never the key file)\n"
	"  restore FILE                  a backup into an empty database, checked and verified\n"
	"\n"
	"The database is --db or $SANLING_DB (a file path for SQLite, postgresql://... for\n"
	"PostgreSQL; default sanling.db).  The key file protecting personal data is --key or\n"
	"$SANLING_KEY (default: the SQLite file's path + \".key\", else sanling.key).\n"
	"The configuration file (--config or $SANLING_CONFIG; the package's is\n"
	"/etc/sanling/sanling.conf) holds lines \"name = value\": db, key and serve's options\n"
	"by their long names (access-log = yes); the command line and the environment override it.\n"
	"A running server rereads it on SIGHUP (access-log and log-file change at once) and stops\n"
	"gracefully on SIGTERM, finishing the requests in flight.\n";

static void die(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
static void die(const char *fmt, ...)
{
	va_list ap;

	fputs("sanling: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	/*
	 * at once: what the failed command holds goes with the process (a
	 * leak check at exit, under the sanitizers, would only list it)
	 */
	fflush(NULL);
	_exit(1);
}

struct globals {
	const char *db_url;
	const char *key_path;
	struct strbuf key_default;
	struct conf conf;	/* the configuration file, if any (empty otherwise) */
};

static int is_pg(const char *url)
{
	return !strncmp(url, "postgresql://", 13) || !strncmp(url, "postgres://", 11);
}

static void load_keys(const struct globals *g, struct crypto_keys *keys, int create)
{
	struct strbuf err = STRBUF_INIT;

	if (crypto_keys_load(keys, g->key_path, create, &err))
		die("%s", err.buf);
}

/*
 * Open and migrate the database.  The key file is read first (created when
 * `create_key`), since the audit chain is keyed with it and migration 011
 * switches an old chain over with it.
 */
static struct db *open_db_key(const struct globals *g, int create_key)
{
	struct crypto_keys keys = CRYPTO_KEYS_INIT;
	struct strbuf err = STRBUF_INIT;
	struct db *db;

	load_keys(g, &keys, create_key);
	audit_use_keys(&keys);
	crypto_keys_release(&keys);
	db = db_open(g->db_url, &err);
	if (!db)
		die("cannot open %s: %s", is_pg(g->db_url) ? "the PostgreSQL database" : g->db_url,
		    err.buf);
	if (audit_migrate(db, &err))
		die("migration failed: %s", err.buf);
	if (dict_load(db, &err))
		die("cannot read the dictionary: %s", err.buf);
	return db;
}

static struct db *open_db(const struct globals *g)
{
	return open_db_key(g, 1);
}

static int cmd_init(struct globals *g, int argc, char **argv)
{
	struct crypto_keys keys = CRYPTO_KEYS_INIT;
	struct db *db = open_db(g);

	load_keys(g, &keys, 1);
	db_close(db);
	crypto_keys_release(&keys);
	printf("database ready; key file %s\n", g->key_path);
	return 0;
}

/* What `serve` was asked for: its options, checked, with the defaults filled in. */
struct serve_opts {
	struct http_config http;
	struct jobs_config jobs;
	int threads, write_threads;
	size_t import_max_rows; /* SIZE_MAX: the engine's default */
	unsigned todo_wait_ms;  /* --todo-wait: how long GET /todos/wait holds (0: 25 s) */
	long long min_free_mib; /* --min-free-disk */
	const char *log_file;   /* --log-file: standard error goes there (reopened on SIGHUP) */
	struct strbuf web_default;
	/* --metrics-listen: where GET /metrics is served (metrics kept only then) */
	int metrics;
	char metrics_addr[INET6_ADDRSTRLEN];
	unsigned short metrics_port;
	/* --db-read: the read replicas' URLs (argv's or the configuration's) */
	const char **db_read;
	int ndb_read;
	unsigned db_read_wait_ms; /* --db-read-wait */
};

/* Let the process open `want` files (connections) if its hard limit allows. */
static void raise_nofile(rlim_t want)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) || rl.rlim_cur >= want)
		return;
	rl.rlim_cur = rl.rlim_max == RLIM_INFINITY || rl.rlim_max > want ? want : rl.rlim_max;
	setrlimit(RLIMIT_NOFILE, &rl);
}

/* serve's options; the configuration file's settings by the same names */
static const struct option serve_long_opts[] = {
	{ "port", required_argument, NULL, 'p' }, { "bind", required_argument, NULL, 'b' },
	{ "threads", required_argument, NULL, 't' }, { "web", required_argument, NULL, 'w' },
	{ "access-log", no_argument, NULL, 'a' }, { "tls-cert", required_argument, NULL, 'c' },
	{ "tls-key", required_argument, NULL, 'k' },
	{ "write-threads", required_argument, NULL, 'W' },
	{ "anchor-dir", required_argument, NULL, 'A' },
	{ "import-max-rows", required_argument, NULL, 'I' },
	{ "todo-wait", required_argument, NULL, 'T' },
	{ "min-free-disk", required_argument, NULL, 'M' },
	{ "log-file", required_argument, NULL, 'L' },
	{ "log-format", required_argument, NULL, 'F' },
	{ "backup-dir", required_argument, NULL, 'B' },
	{ "backup-keep", required_argument, NULL, 'K' },
	{ "backup-at", required_argument, NULL, 'H' },
	{ "metrics-listen", required_argument, NULL, 'X' },
	{ "db-read", required_argument, NULL, 'R' },
	{ "db-read-wait", required_argument, NULL, 'D' }, { NULL, 0, NULL, 0 },
};

/* The settings the configuration file may give more than once (conf.h) */
static const char *const conf_repeatable[] = { "db-read" CONF_MANY, NULL };

/* The access log: a line of the log (text or JSON, log.h) per request. */
static void access_line(void *cls, const char *method, const char *path, unsigned status,
			uint64_t bytes, uint64_t usec)
{
	log_request(method, path, status, (unsigned long long)bytes, (unsigned long long)usec);
}

/* A number in [lo, hi] given to `opt`, or die. */
static long long number_arg(const char *opt, const char *v, long long lo, long long hi)
{
	char *end;
	long long n;

	errno = 0;
	n = strtoll(v, &end, 10);
	if (errno || *end || end == v || n < lo || n > hi)
		die("--%s: \"%s\" is not a number from %lld to %lld", opt, v, lo, hi);
	return n;
}

/*
 * "ADDR:PORT" (a numeric IPv4 address, or an IPv6 one in brackets, and a
 * port; 0 picks a free one) into `addr` and `*port`: 0, or -1.
 */
static int parse_listen(const char *v, char addr[INET6_ADDRSTRLEN], unsigned short *port)
{
	const char *colon = strrchr(v, ':'), *a = v;
	unsigned char bin[sizeof(struct in6_addr)];
	size_t n;
	char *end;
	long p;

	if (!colon || !colon[1])
		return -1;
	n = (size_t)(colon - v);
	if (*v == '[') {
		if (n < 2 || v[n - 1] != ']')
			return -1;
		a = v + 1;
		n -= 2;
	}
	if (!n || n >= INET6_ADDRSTRLEN)
		return -1;
	memcpy(addr, a, n);
	addr[n] = '\0';
	if (inet_pton(*v == '[' ? AF_INET6 : AF_INET, addr, bin) != 1)
		return -1;
	errno = 0;
	p = strtol(colon + 1, &end, 10);
	if (errno || *end || !isdigit((unsigned char)colon[1]) || p < 0 || p > 65535)
		return -1;
	*port = (unsigned short)p;
	return 0;
}

/* "yes"/"no" (and their usual spellings): 1, 0, or -1 for anything else. */
static int parse_yes_no(const char *v)
{
	if (!strcasecmp(v, "yes") || !strcasecmp(v, "true") || !strcasecmp(v, "on") || !strcmp(v, "1"))
		return 1;
	if (!strcasecmp(v, "no") || !strcasecmp(v, "false") || !strcasecmp(v, "off") || !strcmp(v, "0"))
		return 0;
	return -1;
}

/* The names the configuration file may set: db, key and serve's options. */
static const char *const *conf_names(void)
{
	static const char *names[sizeof(serve_long_opts) / sizeof(serve_long_opts[0]) + 2];
	size_t i, k, n;

	if (!names[0]) {
		names[0] = "db";
		names[1] = "key";
		for (i = 0; serve_long_opts[i].name; i++) {
			names[i + 2] = serve_long_opts[i].name;
			n = strlen(names[i + 2]);
			for (k = 0; conf_repeatable[k]; k++)
				if (!strncmp(conf_repeatable[k], names[i + 2], n) &&
				    !strcmp(conf_repeatable[k] + n, CONF_MANY))
					names[i + 2] = conf_repeatable[k];
		}
	}
	return names;
}

/*
 * The web application when --web does not say: next to the program as
 * built (build/sanling → web/dist) or as installed (bin/sanling →
 * share/sanling/web), whatever the working folder.
 */
static const char *default_web(struct strbuf *sb)
{
	static const char *const rel[] = { "/../web/dist", "/../share/sanling/web" };

	return exe_relative(rel, sizeof(rel) / sizeof(rel[0]), sb);
}

static void serve_options(int argc, char **argv, struct serve_opts *o)
{
	const struct option *opts = serve_long_opts;
	struct http_config *cfg = &o->http;
	enum log_format format;
	int c, port = 8080, cores;
	long max_rows;
	char *end;

	memset(o, 0, sizeof(*o));
	o->write_threads = 32;
	o->db_read_wait_ms = 200;
	o->import_max_rows = SIZE_MAX;
	o->min_free_mib = 256;
	o->jobs.backup_keep = 7;
	o->jobs.backup_minute = 2 * 60 + 30;
	cfg->bind_addr = "127.0.0.1";
	/* always there, so that a reload can turn it on */
	cfg->access_log = access_line;
	cfg->access_log_off = 1;
	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'p': port = (int)number_arg("port", optarg, 0, 65535); break;
		case 'b': cfg->bind_addr = optarg; break;
		case 't': o->threads = (int)number_arg("threads", optarg, 0, 1024); break;
		case 'W': o->write_threads = (int)number_arg("write-threads", optarg, 1, 1024); break;
		case 'w': cfg->static_root = optarg; break;
		case 'a': cfg->access_log_off = 0; break;
		case 'M': o->min_free_mib = number_arg("min-free-disk", optarg, 0, 1LL << 40); break;
		case 'L': o->log_file = optarg; break;
		case 'B': o->jobs.backup_dir = optarg; break;
		case 'K': o->jobs.backup_keep = (int)number_arg("backup-keep", optarg, 1, 10000); break;
		case 'H':
			if (strlen(optarg) != 5 || optarg[2] != ':' || !isdigit((unsigned char)optarg[0]) ||
			    !isdigit((unsigned char)optarg[1]) || !isdigit((unsigned char)optarg[3]) ||
			    !isdigit((unsigned char)optarg[4]) || atoi(optarg) > 23 || atoi(optarg + 3) > 59)
				die("--backup-at: \"%s\" is not a time HH:MM", optarg);
			o->jobs.backup_minute = atoi(optarg) * 60 + atoi(optarg + 3);
			break;
		case 'F':
			if (log_format_parse(optarg, &format))
				die("--log-format: \"%s\" is neither text nor json", optarg);
			log_set_format(format);
			break;
		case 'X':
			if (parse_listen(optarg, o->metrics_addr, &o->metrics_port))
				die("--metrics-listen: \"%s\" is not a host:port (a numeric address and a "
				    "port: 127.0.0.1:9464, [::1]:9464)", optarg);
			o->metrics = 1;
			break;
		case 'c': cfg->tls_cert_pem_path = optarg; break;
		case 'k': cfg->tls_key_pem_path = optarg; break;
		case 'A': o->jobs.anchor_dir = optarg; break;
		case 'I':
			max_rows = strtol(optarg, &end, 10);
			if (*end || end == optarg || max_rows < 0 || max_rows > 100000000)
				die("--import-max-rows: 0 (any) to 100000000");
			o->import_max_rows = (size_t)max_rows;
			break;
		case 'R':
			o->db_read = xrealloc(o->db_read, (size_t)(o->ndb_read + 1) * sizeof(*o->db_read));
			o->db_read[o->ndb_read++] = optarg;
			break;
		case 'D':
			o->db_read_wait_ms = (unsigned)number_arg("db-read-wait", optarg, 0, 60000);
			break;
		case 'T':
			max_rows = strtol(optarg, &end, 10);
			if (*end || end == optarg || max_rows < 1 || max_rows > 300)
				die("--todo-wait: 1 to 300 seconds");
			o->todo_wait_ms = (unsigned)max_rows * 1000;
			break;
		default: die("%s", usage);
		}
	}
	if (optind < argc)
		die("serve: unexpected argument \"%s\"\n\n%s", argv[optind], usage);
	if (!cfg->tls_cert_pem_path != !cfg->tls_key_pem_path)
		die("--tls-cert and --tls-key go together");
	if (o->jobs.anchor_dir && access(o->jobs.anchor_dir, W_OK))
		die("--anchor-dir %s: %s", o->jobs.anchor_dir, strerror(errno));
	if (o->jobs.backup_dir && access(o->jobs.backup_dir, W_OK))
		die("--backup-dir %s: %s", o->jobs.backup_dir, strerror(errno));
	cfg->tls = cfg->tls_cert_pem_path != NULL;
	strbuf_init(&o->web_default, 0);
	if (!cfg->static_root)
		cfg->static_root = default_web(&o->web_default);
	/*
	 * The epoll threads answer reads; a slow one (an export) holds up the
	 * other connections of its thread, so there are more threads than
	 * cores.  Requests that may write go to the write threads: a write
	 * waits there for its batch to be durable, and as many writes can
	 * share a batch as there are write threads.  Every request holds a
	 * connection of the pool, so it has one for each thread of both kinds
	 * (two more for the scheduler).
	 */
	cores = (int)sysconf(_SC_NPROCESSORS_ONLN);
	if (cores <= 0)
		cores = 2;
	if (o->threads <= 0)
		o->threads = 8 * cores;
	cfg->port = (unsigned short)port;
	cfg->threads = (unsigned)o->threads;
	cfg->write_threads = (unsigned)o->write_threads;
	/*
	 * JSON bodies are small (api.c refuses more than 256 KiB); only
	 * imports bring files.  All the bodies held at once: a few imports'.
	 */
	cfg->max_body = 1024 * 1024;
	cfg->upload_suffix = API_UPLOAD_SUFFIX "|" API_ATTACH_SUFFIX "|" API_SYNC_SUFFIX;
	cfg->max_upload = 64 * 1024 * 1024; /* attachments: the setting attachment_max_bytes below it */
	cfg->max_bodies = 256 * 1024 * 1024;
	/*
	 * Every open browser holds a connection in GET /todos/wait (parked: no
	 * thread, ~40 KiB): room for a few thousand besides the requests
	 * (libmicrohttpd's default is 1024, shared out among the epoll threads).
	 */
	cfg->max_connections = 8192;
	raise_nofile(cfg->max_connections + 256);
}

/* The folder of an SQLite database file `path` (in `sb`). */
static const char *sqlite_folder(const char *path, struct strbuf *sb)
{
	const char *slash = strrchr(path, '/');

	strbuf_reset(sb);
	if (!slash)
		strbuf_addstr(sb, ".");
	else if (slash == path)
		strbuf_addstr(sb, "/");
	else
		strbuf_add(sb, path, (size_t)(slash - path));
	return sb->buf;
}

/* Standard error (and so the log) to the end of `path`: die at start, warn on a reload. */
static void open_log_file(const char *path, int at_start)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);

	if (fd < 0) {
		if (at_start)
			die("--log-file %s: %s", path, strerror(errno));
		log_error("reload: log file %s: %s (logging on where it was)", path, strerror(errno));
		return;
	}
	dup2(fd, 2);
	close(fd);
}

/*
 * SIGHUP: reread the configuration file.  The access log and the log file
 * change at once; another setting that changed is named as waiting for a
 * restart.  A file that no longer reads changes nothing.
 */
static void serve_reload(struct globals *g, struct http_server *srv)
{
	struct strbuf err = STRBUF_INIT;
	struct conf now;
	const char *v;
	int log_on;
	size_t i;

	notify_reloading();
	if (!g->conf.path) {
		log_info("reload: no configuration file (--config): nothing to reread");
	} else if (conf_load(&now, g->conf.path, conf_names(), &err)) {
		log_error("reload: %s: the settings stay as they were", err.buf);
	} else if ((log_on = (v = conf_get(&now, "access-log")) ? parse_yes_no(v) : 0) < 0) {
		log_error("reload: %s: access-log: \"%s\" is neither yes nor no: the settings stay "
			  "as they were", now.path, v);
		conf_release(&now);
	} else {
		http_server_set_access_log(srv, log_on);
		v = conf_get(&now, "log-file");
		if (v)
			open_log_file(v, 0);
		for (i = 0; i < now.n; i++) {
			const char *name = now.items[i].name, *was;
			size_t k, nth = 0;

			for (k = 0; k < i; k++) /* the how-manieth of its name (db-read = …) */
				nth += !strcmp(now.items[k].name, name);
			was = conf_get_nth(&g->conf, name, nth);

			if (strcmp(now.items[i].name, "access-log") && strcmp(now.items[i].name, "log-file") &&
			    (!was || strcmp(was, now.items[i].value)))
				log_warn("reload: %s changed: it takes effect at the next start",
					 now.items[i].name);
		}
		log_info("reload: %s reread (access log %s)", now.path, log_on ? "on" : "off");
		conf_release(&g->conf);
		g->conf = now;
	}
	strbuf_release(&err);
	notify_service_manager("READY=1");
}

static int cmd_serve(struct globals *g, int argc, char **argv)
{
	struct serve_opts o;
	struct app app;
	struct strbuf err = STRBUF_INIT;
	struct strbuf data_dir = STRBUF_INIT;
	struct http_server *srv, *msrv = NULL;
	struct jobs *jobs;
	struct db *db, *writer;
	unsigned left;
	int64_t t0;
	int sig;

	serve_options(argc, argv, &o);
	if (o.log_file)
		open_log_file(o.log_file, 1);
	/* before the parts that count register their metrics */
	if (o.metrics)
		metrics_enable();
	memset(&app, 0, sizeof(app));
	app.tls = o.http.tls;
	if (o.ndb_read && !is_pg(g->db_url))
		die("--db-read: read replicas are PostgreSQL streaming replicas, and the database "
		    "(--db) is the SQLite file %s", g->db_url);
	db = open_db(g); /* migrate once before the pool opens */
	/*
	 * An import stores its rows in one transaction on the writer: the cap
	 * keeps what a login or a save may wait behind it near a second (rows
	 * an engine stores in about that time; bench/RESULTS.md, 9).
	 */
	app.import_max_rows = o.import_max_rows != SIZE_MAX ? o.import_max_rows
			      : db_dialect(db) == DB_POSTGRES ? 3000 : 10000;
	/* a pool on each for the threads that answer GETs (the write threads take the rest) */
	if (o.ndb_read && !(app.replicas = db_replicas_open(db, o.db_read, o.ndb_read, o.threads,
							       o.db_read_wait_ms, &err)))
		die("--db-read: %s", err.buf);
	db_close(db);
	load_keys(g, &app.keys, 1);
	/* one more for the to-do hub (api_todos.c) */
	app.pool = db_pool_open(g->db_url, o.threads + o.write_threads + 3, &err);
	if (!app.pool)
		die("cannot open the database pool: %s", err.buf);
	writer = db_open(g->db_url, &err);
	if (!writer)
		die("cannot open the writer connection: %s", err.buf);
	/* its commits do not wait for the disk: group commit syncs (group_commit.c) */
	if (db_defer_sync(writer, &err))
		die("cannot open the writer connection: %s", err.buf);
	/*
	 * a batch of every write thread commits at once: no other request can
	 * come to join it, so it must not linger for one
	 */
	app.writes = group_commit_new(writer, o.write_threads < 64 ? o.write_threads : 64, 500);
	session_use_writer(app.writes); /* logins and sessions write in turn too */
	app.static_root = o.http.static_root && !access(o.http.static_root, R_OK) ? o.http.static_root
										: NULL;
	if (!app.static_root)
		log_warn("no web application at %s (--web DIR): serving the API only",
			 o.http.static_root ? o.http.static_root : "the program's side");
	app.min_free_bytes = (uint64_t)o.min_free_mib << 20;
	app.data_dir = is_pg(g->db_url) ? NULL : sqlite_folder(g->db_url, &data_dir);
	app.todo_wait_ms = o.todo_wait_ms;
	if (api_init(&app, &err))
		die("%s", err.buf);
	http_server_block_signals();
	o.jobs.every_minute = api_denials_flush;
	o.jobs.db_url = g->db_url;
	o.jobs.arg = &app;
	jobs = jobs_start(app.pool, &o.jobs, &err);
	if (!jobs)
		die("%s", err.buf);
	if (o.metrics) {
		o.http.request_done = api_request_done;
		o.http.request_done_cls = &app;
	}
	srv = http_server_start(&o.http, api_handle, &app, &err);
	if (!srv)
		die("cannot start the server: %s", err.buf);
	app.server = srv;
	if (o.metrics) {
		/* its own daemon: a scrape never waits behind the API's connections */
		struct http_config mc = { .bind_addr = o.metrics_addr, .port = o.metrics_port,
					  .threads = 1, .max_connections = 64, .max_body = 4096 };
		int v6 = strchr(o.metrics_addr, ':') != NULL;

		msrv = http_server_start(&mc, api_metrics_serve, &app, &err);
		if (!msrv)
			die("cannot start the metrics listener (--metrics-listen): %s", err.buf);
		printf("sanling: metrics on http://%s%s%s:%u/metrics\n", v6 ? "[" : "", o.metrics_addr,
		       v6 ? "]" : "", http_server_port(msrv));
	}
	printf("sanling: listening on %s://%s:%u/\n", o.http.tls ? "https" : "http",
	       o.http.bind_addr, http_server_port(srv));
	fflush(stdout);
	strbuf_addf(&err, "READY=1\nSTATUS=listening on port %u", http_server_port(srv));
	notify_service_manager(err.buf);
	while ((sig = http_server_wait_signal()) == SIGHUP)
		serve_reload(g, srv);
	notify_service_manager("STOPPING=1");
	log_info("%s: stopping: no new connections; finishing %u request(s) in flight",
		 sig > 0 ? strsignal(sig) : "signal", http_server_inflight(srv));
	t0 = time_now_ms();
	left = http_server_drain(srv, 30000);
	if (left)
		log_warn("stopping: %u request(s) still unfinished after 30 s are cut off", left);
	http_server_stop(msrv); /* it reads the server, the pool and the jobs */
	http_server_stop(srv);
	jobs_stop(jobs);
	api_denials_flush_all(&app);
	api_release(&app);
	session_use_writer(NULL);
	group_commit_free(app.writes);
	db_close(writer);
	db_pool_close(app.pool);
	db_replicas_close(app.replicas);
	free(o.db_read);
	crypto_keys_release(&app.keys);
	metrics_release();
	log_info("stopped in %lld ms: every write committed", (long long)(time_now_ms() - t0));
	strbuf_release(&err);
	strbuf_release(&data_dir);
	strbuf_release(&o.web_default);
	return 0;
}

/* A password from standard input: one line (no echo when it is a terminal). */
static char *read_password(void)
{
	struct strbuf sb = STRBUF_INIT;
	struct termios old, noecho;
	int tty = isatty(0);
	int ch;

	if (tty) {
		fputs("password: ", stderr);
		tcgetattr(0, &old);
		noecho = old;
		noecho.c_lflag &= ~(tcflag_t)ECHO;
		tcsetattr(0, TCSANOW, &noecho);
	}
	while ((ch = getchar()) != EOF && ch != '\n')
		strbuf_addch(&sb, ch);
	if (tty) {
		tcsetattr(0, TCSANOW, &old);
		fputc('\n', stderr);
	}
	if (sb.len && sb.buf[sb.len - 1] == '\r')
		strbuf_setlen(&sb, sb.len - 1);
	if (!sb.len)
		die("no password on standard input");
	return strbuf_detach(&sb, NULL);
}

static int cmd_user(struct globals *g, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "role", required_argument, NULL, 'r' }, { "dept", required_argument, NULL, 'd' },
		{ "grid", required_argument, NULL, 'g' }, { "subject", required_argument, NULL, 's' },
		{ "name", required_argument, NULL, 'n' }, { "village", required_argument, NULL, 'v' },
		{ NULL, 0, NULL, 0 },
	};
	struct crypto_keys keys = CRYPTO_KEYS_INIT;
	struct model_error e;
	struct model_ctx mc = { 0 };
	struct actor sys;
	json_t *in, *out = NULL;
	const char *sub, *name;
	char *pw;
	struct db *db;
	int c, ret;

	if (argc < 3)
		die("%s", usage);
	sub = argv[1];
	name = argv[2];
	db = open_db_key(g, !strcmp(sub, "add"));
	actor_system(&sys);
	if (!strcmp(sub, "passwd")) {
		pw = read_password();
		model_error_init(&e);
		ret = user_set_password(db, &sys, name, pw, &e);
		free(pw);
		if (ret)
			die("%s", e.msg.buf);
		printf("password of %s set; it must be changed at next login\n", name);
		db_close(db);
		return 0;
	}
	if (!strcmp(sub, "unlock")) {
		model_error_init(&e);
		ret = user_unlock(db, &sys, name, &e);
		if (ret)
			die("%s", e.msg.buf);
		printf("%s unlocked\n", name);
		db_close(db);
		return 0;
	}
	if (!strcmp(sub, "retire")) {
		const struct entity_desc *users = entity_find("users");
		struct record r;
		model_error_init(&e);
		record_init(&r, NULL);
		mc.db = db;
		mc.actor = &sys;
		if (entity_lookup(db, users, name, &r, &e.msg))
			die("no account \"%s\"", name);
		ret = entity_retire(&mc, users, r.id, NULL, NULL, &e);
		record_release(&r);
		if (ret)
			die("%s", e.msg.buf);
		printf("%s retired\n", name);
		model_error_release(&e);
		db_close(db);
		return 0;
	}
	if (strcmp(sub, "add"))
		die("%s", usage);
	in = json_pack("{ss}", "username", name);
	optind = 3;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		const char *key = c == 'r' ? "role" : c == 'd' ? "department" : c == 'g' ? "grid" :
				  c == 's' ? "subject" : c == 'n' ? "display_name" :
				  c == 'v' ? "village" : NULL;
		if (!key)
			die("%s", usage);
		json_object_set_new(in, key, json_string(optarg));
	}
	if (!json_object_get(in, "role"))
		die("--role is required");
	load_keys(g, &keys, 1);
	pw = read_password();
	mc.db = db;
	mc.actor = &sys;
	mc.keys = &keys;
	model_error_init(&e);
	ret = entity_create_secret(&mc, entity_find("users"), in, pw, &out, &e);
	free(pw);
	json_decref(in);
	if (ret)
		die("%s%s%s", e.field ? e.field : "", e.field ? ": " : "", e.msg.buf);
	printf("user %s added (id %" JSON_INTEGER_FORMAT "); the password must be changed at "
	       "first login\n", name, json_integer_value(json_object_get(out, "id")));
	json_decref(out);
	model_error_release(&e);
	crypto_keys_release(&keys);
	db_close(db);
	return 0;
}

static const struct entity_desc *kind_arg(const char *kind)
{
	const struct entity_desc *ed = entity_find(kind);

	if (!ed)
		die("unknown list \"%s\"", kind);
	return ed;
}

static int cmd_import(struct globals *g, int argc, char **argv)
{
	struct crypto_keys keys = CRYPTO_KEYS_INIT;
	struct table_reader *rd = NULL;
	struct import_report rep;
	struct model_error e;
	struct model_ctx mc = { 0 };
	struct actor sys;
	struct strbuf err = STRBUF_INIT;
	const struct entity_desc *ed;
	int keep_good = 0, i, ret;
	struct db *db;
	size_t k;

	if (argc < 3)
		die("%s", usage);
	for (i = 3; i < argc; i++) {
		if (!strcmp(argv[i], "--keep-good"))
			keep_good = 1;
		else
			die("unknown option %s", argv[i]);
	}
	ed = kind_arg(argv[1]);
	if (table_reader_open(argv[2], &rd, &err))
		die("%s", err.buf);
	db = open_db(g);
	load_keys(g, &keys, 1);
	actor_system(&sys);
	mc.db = db;
	mc.actor = &sys;
	mc.keys = &keys;
	model_error_init(&e);
	import_report_init(&rep);
	ret = entity_import(&mc, ed, rd, keep_good, &rep, &e);
	for (k = 0; k < json_array_size(rep.errors); k++) {
		json_t *x = json_array_get(rep.errors, k);
		fprintf(stderr, "%s: row %" JSON_INTEGER_FORMAT ", column %s: %s\n", argv[2],
			json_integer_value(json_object_get(x, "row")),
			json_string_value(json_object_get(x, "column")) ?
				json_string_value(json_object_get(x, "column")) : "-",
			json_string_value(json_object_get(x, "message")));
	}
	if (ret)
		fprintf(stderr, "sanling: %s\n", e.msg.buf);
	printf("%zu rows: %zu created, %zu updated, %zu failed\n", rep.rows, rep.created,
	       rep.updated, rep.failed);
	table_reader_free(rd);
	import_report_release(&rep);
	model_error_release(&e);
	crypto_keys_release(&keys);
	db_close(db);
	return ret ? 1 : 0;
}

static int cmd_export(struct globals *g, int argc, char **argv, int template_only)
{
	struct crypto_keys keys = CRYPTO_KEYS_INIT;
	struct table_writer *w = NULL;
	struct model_error e;
	struct model_ctx mc = { 0 };
	struct actor sys;
	struct strbuf err = STRBUF_INIT;
	const struct entity_desc *ed;
	size_t rows = 0;
	struct db *db;
	int ret;

	if (argc != 3)
		die("%s", usage);
	ed = kind_arg(argv[1]);
	if (table_writer_open(argv[2], ed->label, &w, &err))
		die("%s", err.buf);
	model_error_init(&e);
	if (template_only) {
		ret = entity_template(ed, w, &err);
		if (ret || table_writer_close(w, &err))
			die("%s", err.buf);
		return 0;
	}
	db = open_db(g);
	load_keys(g, &keys, 1);
	actor_system(&sys);
	mc.db = db;
	mc.actor = &sys;
	mc.keys = &keys;
	ret = entity_export(&mc, ed, NULL, w, &rows, &e);
	if (ret) {
		table_writer_free(w);
		unlink(argv[2]);
		die("%s", e.msg.buf);
	}
	if (table_writer_close(w, &err))
		die("%s", err.buf);
	printf("%zu rows written to %s\n", rows, argv[2]);
	model_error_release(&e);
	crypto_keys_release(&keys);
	db_close(db);
	return 0;
}

static int cmd_audit(struct globals *g, int argc, char **argv)
{
	struct strbuf err = STRBUF_INIT;
	struct audit_anchor anchor;
	const char *anchor_path = NULL, *out_path = NULL;
	int64_t rows = 0, bad = 0;
	struct db *db;
	int rc, i;

	if (argc < 2 || (strcmp(argv[1], "verify") && strcmp(argv[1], "anchor")))
		die("%s", usage);
	for (i = 2; i < argc; i++) {
		if (!strcmp(argv[1], "verify") && !strcmp(argv[i], "--anchor") && i + 1 < argc)
			anchor_path = argv[++i];
		else if (!strcmp(argv[1], "anchor") && !strcmp(argv[i], "-o") && i + 1 < argc)
			out_path = argv[++i];
		else
			die("%s", usage);
	}
	db = open_db_key(g, 0);
	if (!strcmp(argv[1], "anchor")) {
		if (audit_anchor_take(db, &anchor, &err))
			die("%s", err.buf);
		db_close(db);
		if (!out_path) {
			audit_anchor_json(&anchor, &err);
			fputs(err.buf, stdout);
		} else {
			if (audit_anchor_write(&anchor, out_path, &err))
				die("%s", err.buf);
			printf("audit anchor: row %" PRId64 " at %s written to %s\n", anchor.seq,
			       anchor.at, out_path);
		}
		strbuf_release(&err);
		return 0;
	}
	if (anchor_path) {
		rc = audit_anchor_read(anchor_path, &anchor, &err);
		if (rc < 0)
			die("%s", err.buf);
		if (rc > 0) {
			fprintf(stderr, "sanling: audit anchor REFUSED: %s\n", err.buf);
			strbuf_release(&err);
			db_close(db);
			return 2;
		}
	}
	rc = audit_verify_anchor(db, anchor_path ? &anchor : NULL, &rows, &bad, &err);
	db_close(db);
	if (rc < 0)
		die("%s", err.buf);
	if (rc > 0) {
		fprintf(stderr, "sanling: audit log BROKEN at row %" PRId64 ": %s\n", bad, err.buf);
		strbuf_release(&err);
		return 2;
	}
	if (anchor_path)
		printf("audit log intact: %" PRId64 " rows; reaches the anchor of %s (row %" PRId64
		       ")\n", rows, anchor.at, anchor.seq);
	else
		printf("audit log intact: %" PRId64 " rows\n", rows);
	strbuf_release(&err);
	return 0;
}

static int cmd_gen(struct globals *g, int argc, char **argv)
{
	struct crypto_keys keys = CRYPTO_KEYS_INIT;
	struct strbuf err = STRBUF_INIT;
	struct db *db;
	int demo_pw = 0, i, ret;

	if (argc >= 2 && !strcmp(argv[1], "scale")) {
		long counties = 0;
		unsigned long long seed = 1;
		struct bench_options opt = { .grids = 600, .miss_permille = 30 };
		const char *csv = NULL;
		for (i = 2; i < argc; i++) {
			if (!strcmp(argv[i], "--counties") && i + 1 < argc)
				counties = atol(argv[++i]);
			else if (!strcmp(argv[i], "--seed") && i + 1 < argc)
				seed = strtoull(argv[++i], NULL, 10);
			else if (!strcmp(argv[i], "--patrols") && i + 1 < argc)
				opt.patrol_year = atoi(argv[++i]);
			else if (!strcmp(argv[i], "--grids") && i + 1 < argc)
				opt.grids = atoi(argv[++i]);
			else if (!strcmp(argv[i], "--misses") && i + 1 < argc)
				opt.miss_permille = atoi(argv[++i]);
			else if (!strcmp(argv[i], "--patrols-csv") && i + 1 < argc)
				csv = argv[++i];
			else
				die("usage: sanling gen scale --counties N [--seed S] [--patrols YEAR "
				    "[--grids G] [--misses PERMILLE] [--patrols-csv FILE]]");
		}
		if (counties < 1 || counties > 5000)
			die("gen scale: --counties must be 1..5000");
		if (csv && !opt.patrol_year)
			die("gen scale: --patrols-csv needs --patrols YEAR");
		if (csv && !(opt.patrol_csv = fopen(csv, "w")))
			die("gen scale: %s: %s", csv, strerror(errno));
		db = open_db(g);
		if (bench_data_load_opts(db, (int)counties, seed, &opt, stdout, &err))
			die("gen scale: %s", err.buf);
		if (opt.patrol_csv && fclose(opt.patrol_csv))
			die("gen scale: %s: %s", csv, strerror(errno));
		db_close(db);
		return 0;
	}
	if (argc < 2 || strcmp(argv[1], "demo"))
		die("%s", usage);
	for (i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "--demo-passwords"))
			demo_pw = 1;
		else
			die("unknown option %s", argv[i]);
	}
	db = open_db(g);
	load_keys(g, &keys, 1);
	ret = demo_data_load(db, &keys, demo_pw, stdout, &err);
	if (ret)
		die("gen demo: %s", err.buf);
	crypto_keys_release(&keys);
	db_close(db);
	return 0;
}

/*
 * The spaces that take UTF-8 text `s` to `cols` columns and one more, a
 * Chinese character taking two (at least one space).
 */
static int pad_to(const char *s, int cols)
{
	int w = 0;

	for (; *s; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			w += (unsigned char)*s >= 0xe0 ? 2 : 1;
	return w < cols ? cols - w + 1 : 1;
}

static int cmd_figures(struct globals *g, int argc, char **argv)
{
	struct model_error e;
	struct actor sys;
	const char *through = NULL;
	json_t *out = NULL;
	int i, as_json = 0;
	struct db *db;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--through") && i + 1 < argc)
			through = argv[++i];
		else if (!strcmp(argv[i], "--json"))
			as_json = 1;
		else
			die("%s", usage);
	}
	if (!through)
		die("figures: --through YYYY-MM is required");
	db = open_db_key(g, 0);
	actor_system(&sys);
	model_error_init(&e);
	if (figures_compute(db, &sys, through, NULL, &out, &e))
		die("figures: %s", e.msg.buf);
	if (as_json) {
		char *s = json_dumps(out, JSON_COMPACT | JSON_REAL_PRECISION(15) | JSON_PRESERVE_ORDER);
		puts(s);
		free(s);
	} else {
		printf("截至 %s 月底\n", through);
		/* the figures' names and units from their table (assess/figure_keys.h) */
		for (i = 0; i < FIG__COUNT; i++) {
			json_t *v = json_object_get(out, figure_keys[i].key);
			char title[160];
			if (!v)
				continue;
			figure_key_title(&figure_keys[i], title, sizeof(title));
			printf("  %s%*s", title, pad_to(title, 32), "");
			if (json_is_null(v))
				printf("%s\n", "—");
			else if (figure_keys[i].unit == FU_PERCENT)
				printf("%.1f\n", json_number_value(v));
			else if (json_is_real(v))
				printf("%.2f\n", json_real_value(v));
			else
				printf("%" JSON_INTEGER_FORMAT "\n", json_integer_value(v));
		}
	}
	json_decref(out);
	model_error_release(&e);
	db_close(db);
	return 0;
}

static int cmd_explain(struct globals *g, int argc, char **argv)
{
	struct model_error e;
	struct actor sys;
	const char *month = NULL;
	json_t *out = NULL;
	struct db *db;
	char *s;

	if (argc == 4 && !strcmp(argv[2], "--month"))
		month = argv[3];
	else
		die("usage: sanling explain SUBJECT --month YYYY-MM");
	db = open_db_key(g, 0);
	actor_system(&sys);
	model_error_init(&e);
	if (assess_explain(db, &sys, argv[1], month, &out, &e))
		die("explain: %s", e.msg.buf);
	s = json_dumps(out, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(15));
	puts(s);
	free(s);
	json_decref(out);
	model_error_release(&e);
	db_close(db);
	return 0;
}

/*
 * The determinations of the year through a month, of every district, made
 * current (what figures and the API do before they read): for operators,
 * and for the benchmarks to time the determination alone.
 */
static int cmd_determine(struct globals *g, int argc, char **argv)
{
	struct strbuf err = STRBUF_INIT;
	struct actor sys;
	char jan[8];
	struct db *db;

	if (argc != 3 || strcmp(argv[1], "--through") || !month_valid(argv[2]))
		die("usage: sanling determine --through YYYY-MM");
	snprintf(jan, sizeof(jan), "%.4s-01", argv[2]);
	db = open_db_key(g, 0);
	actor_system(&sys);
	if (assess_refresh_all(db, &sys, jan, argv[2], &err))
		die("determine: %s", err.buf);
	printf("%s..%s: 已是最新\n", jan, argv[2]);
	strbuf_release(&err);
	db_close(db);
	return 0;
}

/*
 * work raise: the problems due from the determination and the overdue
 * major hazards, of every district, found on --today (default today).
 */
static int work_raise_cmd(struct globals *g, int argc, char **argv)
{
	struct raise_counts n;
	struct model_error e;
	struct actor sys;
	char today[DATE_BUFSZ];
	struct db *db;

	date_today(today);
	if (argc == 4 && !strcmp(argv[2], "--today") && date_valid(argv[3]))
		snprintf(today, sizeof(today), "%s", argv[3]);
	else if (argc != 2)
		die("usage: sanling work raise [--today YYYY-MM-DD]");
	db = open_db_key(g, 0);
	actor_system(&sys);
	model_error_init(&e);
	if (assess_raise_problems(db, &sys, today, &n, &e))
		die("work raise: %s", e.msg.buf);
	printf("%s: 认定未达标 %d 条，重大隐患逾期 %d 条\n", today, n.determination, n.hazard);
	model_error_release(&e);
	db_close(db);
	return 0;
}

/*
 * work subsidies: the month's subsidy ledger of every district generated
 * (kept rows stay), and with --pay its unpaid rows marked paid on DATE.
 */
static int work_subsidies_cmd(struct globals *g, int argc, char **argv)
{
	struct crypto_keys keys = CRYPTO_KEYS_INIT;
	const char *month = NULL, *pay = NULL;
	struct model_ctx mc = { 0 };
	struct model_error e;
	struct actor sys;
	json_t *out = NULL;
	int i;

	for (i = 2; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "--month"))
			month = argv[i + 1];
		else if (!strcmp(argv[i], "--pay"))
			pay = argv[i + 1];
		else
			break;
	}
	if (i != argc || !month)
		die("usage: sanling work subsidies --month YYYY-MM [--pay YYYY-MM-DD]");
	mc.db = open_db_key(g, 0);
	load_keys(g, &keys, 0);
	mc.keys = &keys;
	actor_system(&sys);
	mc.actor = &sys;
	model_error_init(&e);
	if (ledger_generate(&mc, month, &out, &e))
		die("work subsidies: %s", e.msg.buf);
	printf("%s: 新生成 %zu 条，已有 %lld 条\n", month,
	       json_array_size(json_object_get(out, "created")),
	       (long long)json_integer_value(json_object_get(out, "kept")));
	json_decref(out);
	if (pay) {
		if (ledger_pay(&mc, month, pay, NULL, 0, &out, &e))
			die("work subsidies --pay: %s", e.msg.buf);
		printf("%s: %lld 条于 %s 发放，合计 %.2f 元\n", month,
		       (long long)json_integer_value(json_object_get(out, "paid")), pay,
		       json_real_value(json_object_get(out, "amount")));
		json_decref(out);
	}
	model_error_release(&e);
	crypto_keys_release(&keys);
	db_close(mc.db);
	return 0;
}

/*
 * The month's documents: `report KIND --month M --format F -o FILE`, as the
 * office of the district (--district, or the only one there is), or a
 * city's or a province's bulletin as its office (--region).
 */
static int cmd_report(struct globals *g, int argc, char **argv)
{
	struct report_request r = { 0 };
	struct strbuf data = STRBUF_INIT;
	struct report_file f = { .data = &data };
	struct model_error e;
	struct actor a;
	const char *out = NULL, *district = NULL, *region = NULL;
	char *only = NULL;
	struct db *db;
	FILE *fp;
	int i;

	if (argc < 2)
		die("usage: sanling report monthly|bulletin|minutes|notice [--month YYYY-MM] "
		    "[--meeting NO] [--item NO] --format docx|pdf|xlsx -o FILE [--district CODE | "
		    "--region CODE] [--version N]");
	r.kind = argv[1];
	for (i = 2; i < argc; i++) {
		if (i + 1 >= argc)
			die("report: %s needs a value", argv[i]);
		if (!strcmp(argv[i], "--month"))
			r.month = argv[++i];
		else if (!strcmp(argv[i], "--meeting"))
			r.meeting = argv[++i];
		else if (!strcmp(argv[i], "--item"))
			r.item = argv[++i];
		else if (!strcmp(argv[i], "--format"))
			r.format = argv[++i];
		else if (!strcmp(argv[i], "-o"))
			out = argv[++i];
		else if (!strcmp(argv[i], "--district"))
			district = argv[++i];
		else if (!strcmp(argv[i], "--region"))
			region = argv[++i];
		else if (!strcmp(argv[i], "--version"))
			r.version = strtoll(argv[++i], NULL, 10);
		else
			die("report: unknown option %s", argv[i]);
	}
	if (district && region)
		die("report: --district or --region, not both");
	if (!out || !r.format)
		die("report: --format docx|pdf|xlsx and -o FILE are required");
	if ((!strcmp(r.kind, "monthly") || !strcmp(r.kind, "bulletin")) && !r.month)
		die("report: %s needs --month YYYY-MM", r.kind);
	db = open_db_key(g, 0);
	actor_system(&a);
	if (region) {
		if (db_query_value(db, "SELECT code FROM regions WHERE code = ? AND level IN ('city', "
				   "'province')", &region, 1, &only, NULL) || !only)
			die("report: --region %s: no city or province of that code", region);
		a.role = ROLE_REGION;
		a.region = region;
	} else {
		if (!district) {
			if (db_query_value(db, "SELECT CASE WHEN COUNT(*) = 1 THEN MIN(code) END FROM "
					   "regions WHERE level = 'district'", NULL, 0, &only, NULL) || !only)
				die("report: name the district with --district CODE");
			district = only;
		}
		a.role = ROLE_OFFICE;
		a.district = district;
	}
	model_error_init(&e);
	if (report_file(db, &a, &r, &f, &e))
		die("report: %s", e.msg.buf);
	fp = fopen(out, "wb");
	if (!fp || fwrite(data.buf, 1, data.len, fp) != data.len || fclose(fp))
		die("report: cannot write %s: %s", out, strerror(errno));
	fprintf(stderr, "%s: %s（%zu 字节%s）\n", out, f.filename, data.len,
		f.archived ? "，已归档版本" : "");
	report_file_release(&f);
	strbuf_release(&data);
	model_error_release(&e);
	free(only);
	db_close(db);
	return 0;
}

/* `exchange export`: the district's published month, signed, into -o FILE. */
static int exchange_export_cmd(struct globals *g, int argc, char **argv)
{
	struct crypto_keys keys = CRYPTO_KEYS_INIT;
	struct strbuf err = STRBUF_INIT, data = STRBUF_INIT, district = STRBUF_INIT;
	const char *month = NULL, *out = NULL, *given = NULL;
	struct db *db;
	FILE *fp;
	int i;

	for (i = 2; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "--month"))
			month = argv[i + 1];
		else if (!strcmp(argv[i], "-o"))
			out = argv[i + 1];
		else if (!strcmp(argv[i], "--district"))
			given = argv[i + 1];
		else
			break;
	}
	if (i != argc || !month || !out)
		die("usage: sanling exchange export --month YYYY-MM -o FILE [--district CODE]");
	db = open_db_key(g, 0);
	load_keys(g, &keys, 0);
	if (exchange_district(db, given, &district, &err) ||
	    exchange_export(db, &keys, district.buf, month, &data, &err))
		die("exchange export: %s", err.buf);
	crypto_keys_release(&keys);
	fp = fopen(out, "wb");
	if (!fp || fwrite(data.buf, 1, data.len, fp) != data.len || fclose(fp))
		die("exchange export: cannot write %s: %s", out, strerror(errno));
	fprintf(stderr, "%s: 区县 %s 的 %s 月（%zu 字节），已签名\n", out, district.buf, month,
		data.len);
	strbuf_release(&data);
	strbuf_release(&district);
	strbuf_release(&err);
	db_close(db);
	return 0;
}

/* `exchange trust`: a district that runs its own deployment, registered with its key. */
static int exchange_trust_cmd(struct globals *g, int argc, char **argv)
{
	struct strbuf err = STRBUF_INIT;
	const char *name = NULL, *parent = NULL;
	struct db *db;
	int i;

	for (i = 4; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "--name"))
			name = argv[i + 1];
		else if (!strcmp(argv[i], "--parent"))
			parent = argv[i + 1];
		else
			break;
	}
	if (argc < 4 || i != argc)
		die("usage: sanling exchange trust DISTRICT PUBLIC_KEY --name NAME [--parent CODE]");
	db = open_db_key(g, 0);
	if (exchange_trust(db, argv[2], argv[3], name, parent, &err))
		die("exchange trust: %s", err.buf);
	printf("外部区县 %s 的公钥已登记：%s\n", argv[2], argv[3]);
	strbuf_release(&err);
	db_close(db);
	return 0;
}

/* Upward reporting between deployments (cli/exchange.h). */
static int cmd_exchange(struct globals *g, int argc, char **argv)
{
	struct crypto_keys keys = CRYPTO_KEYS_INIT;
	struct strbuf err = STRBUF_INIT, out = STRBUF_INIT, district = STRBUF_INIT;
	struct db *db;

	if (argc >= 2 && !strcmp(argv[1], "export"))
		return exchange_export_cmd(g, argc, argv);
	if (argc >= 2 && !strcmp(argv[1], "trust"))
		return exchange_trust_cmd(g, argc, argv);
	if (argc == 3 && !strcmp(argv[1], "import")) {
		if (strbuf_read_file(&out, argv[2]))
			die("exchange import: cannot read %s: %s", argv[2], strerror(errno));
		db = open_db_key(g, 0);
		if (exchange_import(db, out.buf, out.len, &district, &err))
			die("exchange import: %s", err.buf);
		puts(district.buf);
	} else if (argc == 2 && !strcmp(argv[1], "list")) {
		db = open_db_key(g, 0);
		if (exchange_list(db, &out, &err))
			die("exchange list: %s", err.buf);
		fputs(out.buf, stdout);
	} else if (argc >= 2 && !strcmp(argv[1], "key") &&
		   (argc == 2 || (argc == 4 && !strcmp(argv[2], "--district")))) {
		db = open_db_key(g, 0);
		load_keys(g, &keys, 0);
		if (exchange_district(db, argc == 4 ? argv[3] : NULL, &district, &err) ||
		    exchange_key(&keys, district.buf, &out, &err))
			die("exchange key: %s", err.buf);
		crypto_keys_release(&keys);
		puts(out.buf);
	} else {
		die("usage: sanling exchange key [--district CODE] | export --month YYYY-MM -o FILE "
		    "[--district CODE] | trust DISTRICT PUBLIC_KEY --name NAME [--parent CODE] | "
		    "import FILE | list");
	}
	strbuf_release(&out);
	strbuf_release(&district);
	strbuf_release(&err);
	db_close(db);
	return 0;
}

/* The work (督办): the daily card pass, by hand or with a given today (tests). */
static int cmd_work(struct globals *g, int argc, char **argv)
{
	struct strbuf err = STRBUF_INIT;
	struct cards_counts n;
	char today[DATE_BUFSZ];
	struct db *db;
	int64_t t0;

	date_today(today);
	if (argc >= 2 && !strcmp(argv[1], "raise"))
		return work_raise_cmd(g, argc, argv);
	if (argc >= 2 && !strcmp(argv[1], "subsidies"))
		return work_subsidies_cmd(g, argc, argv);
	if (argc == 4 && !strcmp(argv[1], "cards") && !strcmp(argv[2], "--today") &&
	    date_valid(argv[3]))
		snprintf(today, sizeof(today), "%s", argv[3]);
	else if (argc != 2 || strcmp(argv[1], "cards"))
		die("usage: sanling work cards|raise [--today YYYY-MM-DD] | subsidies --month YYYY-MM");
	db = open_db_key(g, 0);
	t0 = time_now_ms();
	if (jobs_cards(db, today, &n, &err))
		die("work cards: %s", err.buf);
	/* the pass's own time (the benchmark's: bench/cards.sh) */
	printf("%s: 黄牌 %lld，红牌 %lld，催办 %lld（%lld ms）\n", today, (long long)n.yellow,
	       (long long)n.red, (long long)n.reminded, (long long)(time_now_ms() - t0));
	strbuf_release(&err);
	db_close(db);
	return 0;
}

static int cmd_export_list(struct globals *g, int argc, char **argv)
{
	return cmd_export(g, argc, argv, 0);
}

static int cmd_template(struct globals *g, int argc, char **argv)
{
	return cmd_export(g, argc, argv, 1);
}

/* The keys for the audit chain, not created: backup and restore read them. */
static void use_existing_keys(const struct globals *g)
{
	struct crypto_keys keys = CRYPTO_KEYS_INIT;

	load_keys(g, &keys, 0);
	audit_use_keys(&keys);
	crypto_keys_release(&keys);
}

/* Rows of every table of a manifest. */
static long long manifest_rows(json_t *m)
{
	const char *name;
	long long n = 0;
	json_t *v;

	json_object_foreach(json_object_get(m, "tables"), name, v)
		n += json_integer_value(v);
	return n;
}

static int cmd_backup(struct globals *g, int argc, char **argv)
{
	struct strbuf err = STRBUF_INIT;
	json_t *m;

	if (argc != 3 || strcmp(argv[1], "-o"))
		die("usage: sanling backup -o FILE");
	if (!is_pg(g->db_url) && access(g->db_url, R_OK))
		die("backup: %s: %s", g->db_url, strerror(errno));
	use_existing_keys(g);
	if (backup_make(g->db_url, argv[2], &m, &err))
		die("backup: %s", err.buf);
	printf("backup %s: %zu tables, %lld rows, audit head %" JSON_INTEGER_FORMAT
	       ", SHA-256 %s\n", argv[2], json_object_size(json_object_get(m, "tables")),
	       manifest_rows(m), json_integer_value(json_object_get(json_object_get(m, "audit_head"), "seq")),
	       json_string_value(json_object_get(m, "sha256")));
	printf("the key file %s is not in the backup: back it up separately (without it the "
	       "backup's personal data cannot be read)\n", g->key_path);
	json_decref(m);
	strbuf_release(&err);
	return 0;
}

static int cmd_restore(struct globals *g, int argc, char **argv)
{
	struct strbuf err = STRBUF_INIT;
	json_t *m;

	if (argc != 2)
		die("usage: sanling restore FILE   (into the empty database --db, with its key --key)");
	use_existing_keys(g);
	if (backup_restore(argv[1], g->db_url, &m, &err))
		die("restore: %s; nothing was restored", err.buf);
	printf("restored %s (made %s by sanling %s, schema %s): %zu tables, %lld rows, the audit "
	       "chain verified\n", argv[1], json_string_value(json_object_get(m, "time")),
	       json_string_value(json_object_get(m, "program")), json_string_value(json_object_get(m, "schema")),
	       json_object_size(json_object_get(m, "tables")), manifest_rows(m));
	json_decref(m);
	strbuf_release(&err);
	return 0;
}

static const struct {
	const char *name;
	int (*fn)(struct globals *g, int argc, char **argv);
} commands[] = {
	{ "init", cmd_init }, { "serve", cmd_serve }, { "user", cmd_user },
	{ "import", cmd_import }, { "export", cmd_export_list }, { "template", cmd_template },
	{ "audit", cmd_audit }, { "gen", cmd_gen }, { "figures", cmd_figures },
	{ "explain", cmd_explain }, { "determine", cmd_determine },
	{ "work", cmd_work }, { "report", cmd_report }, { "exchange", cmd_exchange },
	{ "backup", cmd_backup },
	{ "restore", cmd_restore }, { NULL, NULL },
};

/*
 * serve's arguments with the configuration file's settings first, as
 * "--name=value", so that those of the command line, coming after, win.
 */
static char **serve_argv(const struct conf *c, int *argc, char **argv, int *nmade)
{
	char **out = xcalloc((size_t)*argc + c->n + 1, sizeof(*out));
	int n = 0, i;
	size_t k;

	out[n++] = argv[0];
	for (k = 0; k < c->n; k++) {
		const char *name = c->items[k].name, *v = c->items[k].value;
		struct strbuf sb = STRBUF_INIT;
		int on;

		if (!strcmp(name, "db") || !strcmp(name, "key"))
			continue;
		if (!strcmp(name, "access-log")) {
			on = parse_yes_no(v);
			if (on < 0)
				die("%s:%d: access-log: \"%s\" is neither yes nor no", c->path,
				    c->items[k].line, v);
			if (on)
				out[n++] = xstrdup("--access-log");
			continue;
		}
		strbuf_addf(&sb, "--%s=%s", name, v);
		out[n++] = strbuf_detach(&sb, NULL);
	}
	*nmade = n - 1;	/* out[1 .. n-1] are made here */
	for (i = 1; i < *argc; i++)
		out[n++] = argv[i];
	*argc = n;
	return out;
}

int main(int argc, char **argv)
{
	struct globals g = { 0 };
	struct strbuf err = STRBUF_INIT;
	const char *cmd, *config = getenv("SANLING_CONFIG");
	char **made = NULL;
	int i, nmade = 0;

	alloc_init();
	/* what writes mean to the determination and to sessions (entity.h) */
	assess_observe_writes();
	work_observe_writes();
	session_observe_writes();
	duban_observe_writes();
	todos_observe_writes();
	assessment_observe_writes(); /* a new district's assessment table */
	report_observe_publication(); /* a published month's documents archived */
	strbuf_init(&g.key_default, 0);
	g.db_url = getenv("SANLING_DB");
	g.key_path = getenv("SANLING_KEY");
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--db") && i + 1 < argc)
			g.db_url = argv[++i];
		else if (!strcmp(argv[i], "--key") && i + 1 < argc)
			g.key_path = argv[++i];
		else if (!strcmp(argv[i], "--config") && i + 1 < argc)
			config = argv[++i];
		else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			fputs(usage, stdout);
			return 0;
		} else if (!strcmp(argv[i], "--version")) {
			printf("sanling %s (schema %s)\n", SANLING_VERSION, db_schema_version(NULL));
			return 0;
		} else
			break;
	}
	if (i >= argc)
		die("%s", usage);
	if (config && *config && conf_load(&g.conf, config, conf_names(), &err))
		die("configuration: %s", err.buf);
	if ((!g.db_url || !*g.db_url) && conf_get(&g.conf, "db"))
		g.db_url = conf_get(&g.conf, "db");
	if ((!g.key_path || !*g.key_path) && conf_get(&g.conf, "key"))
		g.key_path = conf_get(&g.conf, "key");
	if (!g.db_url || !*g.db_url)
		g.db_url = "sanling.db";
	if (!g.key_path || !*g.key_path) {
		if (is_pg(g.db_url))
			strbuf_addstr(&g.key_default, "sanling.key");
		else
			strbuf_addf(&g.key_default, "%s.key", g.db_url);
		g.key_path = g.key_default.buf;
	}
	if (crypto_init())
		die("libsodium failed to initialise");
	table_global_init();
	signal(SIGPIPE, SIG_IGN);
	/* a file grown past its limit is a write error (EFBIG) to report, not a kill */
	signal(SIGXFSZ, SIG_IGN);
	cmd = argv[i];
	argc -= i;
	argv += i;
	if (!strcmp(cmd, "serve") && g.conf.n)
		argv = made = serve_argv(&g.conf, &argc, argv, &nmade);
	for (i = 0; commands[i].name; i++) {
		if (!strcmp(cmd, commands[i].name)) {
			int ret = commands[i].fn(&g, argc, argv);

			while (nmade)
				free(made[nmade--]);
			free(made);
			strbuf_release(&g.key_default);
			conf_release(&g.conf);
			return ret;
		}
	}
	die("unknown command \"%s\"\n\n%s", cmd, usage);
}
