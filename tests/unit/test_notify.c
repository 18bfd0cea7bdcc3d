/*
 * test_notify: unit tests of src/base/notify (systemd's notification
 * protocol): a real datagram socket, bound where $NOTIFY_SOCKET says (a
 * path, then an abstract name), receives exactly what was sent; without the
 * variable nothing is sent; a name that is neither is refused.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "base/notify.h"

/* A datagram socket bound to `name` ('@': abstract), with a receive timeout. */
static int listener(const char *name)
{
	struct sockaddr_un sa;
	struct timeval tv = { 2, 0 };
	size_t len = strlen(name);
	int fd = socket(AF_UNIX, SOCK_DGRAM, 0);

	assert_true(fd >= 0);
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	memcpy(sa.sun_path, name, len);
	if (*name == '@')
		sa.sun_path[0] = '\0';
	assert_int_equal(bind(fd, (struct sockaddr *)&sa,
			      (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len)), 0);
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	return fd;
}

static void expect(int fd, const char *want)
{
	char buf[256];
	ssize_t n = recv(fd, buf, sizeof(buf) - 1, 0);

	assert_true(n > 0);
	buf[n] = '\0';
	assert_string_equal(buf, want);
}

static void test_path_socket(void **state)
{
	char path[64];
	int fd;

	snprintf(path, sizeof(path), "/tmp/sanling-notify-%ld", (long)getpid());
	unlink(path);
	fd = listener(path);
	setenv("NOTIFY_SOCKET", path, 1);
	assert_int_equal(notify_service_manager("READY=1\nSTATUS=listening"), 0);
	expect(fd, "READY=1\nSTATUS=listening");
	assert_int_equal(notify_service_manager("STOPPING=1"), 0);
	expect(fd, "STOPPING=1");
	close(fd);
	unlink(path);
}

static void test_abstract_socket_and_reloading(void **state)
{
	char name[64], buf[256];
	ssize_t n;
	int fd;

	snprintf(name, sizeof(name), "@sanling-notify-%ld", (long)getpid());
	fd = listener(name);
	setenv("NOTIFY_SOCKET", name, 1);
	assert_int_equal(notify_reloading(), 0);
	n = recv(fd, buf, sizeof(buf) - 1, 0);
	assert_true(n > 0);
	buf[n] = '\0';
	assert_true(!strncmp(buf, "RELOADING=1\nMONOTONIC_USEC=", 27));
	assert_true(strtoull(buf + 27, NULL, 10) > 0);
	close(fd);
}

static void test_without_or_with_a_bad_socket(void **state)
{
	unsetenv("NOTIFY_SOCKET");
	assert_int_equal(notify_service_manager("READY=1"), 0);
	setenv("NOTIFY_SOCKET", "relative/path", 1);
	assert_int_equal(notify_service_manager("READY=1"), -1);
	/* nobody listening there */
	setenv("NOTIFY_SOCKET", "/tmp/sanling-notify-nobody", 1);
	assert_int_equal(notify_service_manager("READY=1"), -1);
	unsetenv("NOTIFY_SOCKET");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_path_socket),
		cmocka_unit_test(test_abstract_socket_and_reloading),
		cmocka_unit_test(test_without_or_with_a_bad_socket),
	};

	return cmocka_run_group_tests_name("notify", tests, NULL, NULL);
}
