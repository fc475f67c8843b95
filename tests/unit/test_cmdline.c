/* The command-line splitter and the tern.* options. */
#include <string.h>
#include <tern/cmdline.h>
#include <tern/exit.h>
#include "test.h"

static struct boot_args args;

static void parse(const char *line)
{
    args.bootstats = 0;
    args.loglevel = 3;
    args.exit_mode = TERN_EXIT_MODE_POWEROFF;
    cmdline_parse(line, "app", &args);
}

TEST(cmdline_options_env_and_argv)
{
    parse("tern.loglevel=debug KEY=value -- one two");
    CHECK(args.loglevel == 4);
    CHECK(args.envc == 1 && !strcmp(args.env[0], "KEY=value"));
    CHECK(args.argc == 3 && !strcmp(args.argv[0], "app"));
    CHECK(!strcmp(args.argv[1], "one") && !strcmp(args.argv[2], "two"));
    CHECK(args.argv[3] == NULL && args.env[1] == NULL);
    CHECK(log_text()[0] == 0);
}

TEST(cmdline_empty_and_null)
{
    parse(NULL);
    CHECK(args.argc == 1 && args.argv[1] == NULL && args.envc == 0);
    parse("   \t ");
    CHECK(args.argc == 1);
    parse("--");
    CHECK(args.argc == 1);
}

TEST(cmdline_everything_after_dashes_is_the_apps)
{
    parse("-- tern.loglevel=0 -- X=1");
    CHECK(args.loglevel == 3 && args.envc == 0);
    CHECK(args.argc == 4 && !strcmp(args.argv[1], "tern.loglevel=0"));
    CHECK(!strcmp(args.argv[2], "--") && !strcmp(args.argv[3], "X=1"));
}

TEST(cmdline_quotes_group_words)
{
    parse("-- \"hello world\" a\"b c\"d \"\"");
    CHECK(args.argc == 4);
    CHECK(!strcmp(args.argv[1], "hello world"));
    CHECK(!strcmp(args.argv[2], "ab cd"));
    CHECK(!strcmp(args.argv[3], ""));
}

TEST(cmdline_unterminated_quote_warns_and_keeps_the_rest)
{
    parse("-- \"open ended");
    CHECK(args.argc == 2 && !strcmp(args.argv[1], "open ended"));
    CHECK(log_contains("unterminated quote"));
}

TEST(cmdline_unterminated_quote_warning_names_only_the_word)
{
    /* Whatever the buffer held before must not leak into the warning. */
    memset(args.buf, 'X', sizeof(args.buf));
    log_clear();
    parse("-- \"abc");
    CHECK(args.argc == 2 && !strcmp(args.argv[1], "abc"));
    CHECK(log_contains("cmdline: unterminated quote in 'abc'\n"));
    CHECK(!log_contains("XX"));
}

TEST(cmdline_unknown_option_warns_by_name_and_boot_goes_on)
{
    parse("tern.bogus=1 tern.exit=debugexit -- x");
    CHECK(log_contains("unknown option 'tern.bogus=1'"));
    CHECK(args.exit_mode == TERN_EXIT_MODE_DEBUGEXIT && args.argc == 2);
}

TEST(cmdline_malformed_values_warn_and_keep_the_default)
{
    parse("tern.loglevel=9 tern.exit=explode tern.loglevel");
    CHECK(args.loglevel == 3 && args.exit_mode == TERN_EXIT_MODE_POWEROFF);
    CHECK(log_contains("option 'tern.loglevel=9': bad value '9'"));
    CHECK(log_contains("option 'tern.exit=explode': bad value 'explode'"));
    CHECK(log_contains("option 'tern.loglevel' needs a value"));
}

TEST(cmdline_loglevel_accepts_numbers_and_names)
{
    parse("tern.loglevel=0");
    CHECK(args.loglevel == 0);
    parse("tern.loglevel=warn");
    CHECK(args.loglevel == 2);
    parse("tern.loglevel=03");
    CHECK(args.loglevel == 3 && log_contains("bad value '03'"));
}

TEST(cmdline_stray_words_before_dashes_warn)
{
    parse("stray =x -- a");
    CHECK(log_contains("'stray' ignored"));
    CHECK(log_contains("'=x' ignored"));
    CHECK(args.argc == 2 && args.envc == 0);
}

TEST(cmdline_too_many_arguments_are_dropped_with_a_warning)
{
    char line[1024] = "--";

    for (int i = 0; i < BOOT_MAX_ARGS + 5; i++)
        strcat(line, " a");
    parse(line);
    CHECK(args.argc == BOOT_MAX_ARGS && args.argv[BOOT_MAX_ARGS] == NULL);
    CHECK(log_contains("more than 64 arguments"));
}

TEST(cmdline_longer_than_the_buffer_is_cut_not_overrun)
{
    static char line[3 * BOOT_CMDLINE_MAX];

    memset(line, 'z', sizeof(line) - 1);
    line[0] = '-';
    line[1] = '-';
    line[2] = ' ';
    for (size_t i = 100; i < sizeof(line) - 1; i += 100)
        line[i] = ' ';
    parse(line);
    CHECK(args.argc > 1 && args.argc <= BOOT_MAX_ARGS);
    for (int i = 1; i < args.argc; i++)
        CHECK(args.argv[i] >= args.buf &&
              args.argv[i] + strlen(args.argv[i]) < args.buf + sizeof(args.buf));
}

TEST(cmdline_flag_options_stand_alone_or_take_0_1)
{
    parse("tern.bootstats");
    CHECK(args.bootstats == 1 && log_text()[0] == 0);
    parse("tern.bootstats=0");
    CHECK(args.bootstats == 0);
    parse("tern.bootstats=yes");
    CHECK(args.bootstats == 0 && log_contains("bad value 'yes' (expected 0|1)"));
}
