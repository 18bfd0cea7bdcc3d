#!/bin/sh
# manpage.sh: write the manual page sanling(1) to standard output, its
# commands taken from the program's own table (`sanling --help`), so that
# the page never says other than the program does.
#   sh scripts/manpage.sh build/sanling > build/sanling.1
set -eu
bin=$1
version=$("$bin" --version | sed 's/^sanling //')
help=$("$bin" --help)
date=$(date -u -d "$(sed -n 's/^ -- .*>  \(.*\)$/\1/p' debian/changelog | head -1)" +%Y-%m-%d)

# roff: a backslash doubled, a leading dot or quote made literal
roff() {
	sed -e 's/\\/\\e/g' -e "s/^\\([.']\\)/\\\\\\&\\1/"
}

cat <<EOT
.TH SANLING 1 "$date" "sanling $version" "Sanling manual"
.SH NAME
sanling \\- the 三零创建 (zero petitions, accidents, cases) server and its tools
.SH SYNOPSIS
.B sanling
.RB [ \\-\\-config
.IR FILE ]
.RB [ \\-\\-db
.IR URL ]
.RB [ \\-\\-key
.IR FILE ]
.I COMMAND
.RI [ ARGS ]
.br
.B sanling \\-\\-version
.SH DESCRIPTION
.B sanling
keeps a district's list of creation subjects, the events against them, the
monthly determination and its figures, the office's work lists and the
month's documents, over SQLite or PostgreSQL, and serves them to the browser
application and the API
.RB ( "sanling serve" ).
The other commands work on the database directly, as the system.
.SH COMMANDS
.nf
EOT
printf '%s\n' "$help" | sed -n '/^  [a-z]/,/^$/p' | roff
cat <<EOT
.fi
.SH OPTIONS AND CONFIGURATION
.nf
EOT
printf '%s\n' "$help" | sed -n '/^The database is/,$p' | roff
cat <<'EOT'
.fi
.SH FILES
.TP
.I /etc/sanling/sanling.conf
the configuration file of the packaged service
.TP
.I /var/lib/sanling/sanling.db
the SQLite database of the packaged service
.TP
.I /var/lib/sanling/sanling.key
the key file: it encrypts personal data and keys the audit chain; back it up
separately from the database
.TP
.I /usr/share/sanling/web
the browser application
.SH SIGNALS
.TP
.B SIGHUP
reread the configuration file: access-log and log-file change at once, other
settings at the next start
.TP
.BR SIGTERM ", " SIGINT
stop listening, finish the requests in flight and their commits, then exit
.SH EXAMPLES
The first administrator of a packaged server:
.PP
.nf
sudo -u sanling sanling --config /etc/sanling/sanling.conf user add admin --role sysadmin
.fi
.SH SEE ALSO
.BR systemctl (1),
.BR journalctl (1);
/usr/share/doc/sanling/
EOT
