/* Drivers' module.param=value words: the runtime takes them wherever
 * they stand (QEMU's microvm appends virtio_mmio.device= after the app's
 * "--"), and the virtio-mmio driver reads Linux's
 * <size>@<addr>:<irq>[:<id>] form, skipping a bad one with one reason. */
#include <stdio.h>
#include <string.h>
#include <tern/cmdline.h>
#include <tern/exit.h>
#include <tern/virtio_mmio.h>
#include "test.h"

static struct boot_args args;

static void parse(const char *line)
{
    args.loglevel = 3;
    args.exit_mode = TERN_EXIT_MODE_POWEROFF;
    log_clear();
    cmdline_parse(line, "app", &args);
}

static int count_lines(const char *text)
{
    int n = 0;

    for (; *text; text++)
        n += *text == '\n';
    return n;
}

static struct mmio_range slot;

static int word(const char *param)
{
    char why[64];

    return virtio_mmio_word(param + strlen("virtio_mmio.device="), &slot,
                            why, sizeof(why));
}

TEST(cmdline_mmio_words_as_qemu_appends_them)
{
    parse("K=v -- a virtio_mmio.device=512@0xfeb00e00:12 "
          "virtio_mmio.device=512@0xfeb00c00:11");
    CHECK(args.nparams == 2);
    CHECK(word(args.params[0]) == 0 && slot.addr == 0xfeb00e00 &&
          slot.size == 512 && slot.gsi == 12);
    CHECK(word(args.params[1]) == 0 && slot.addr == 0xfeb00c00 &&
          slot.gsi == 11);
    /* the app sees neither word, in argv or in its environment */
    CHECK(args.argc == 2 && !strcmp(args.argv[1], "a") && !args.argv[2]);
    CHECK(args.envc == 1 && !strcmp(args.env[0], "K=v"));
    CHECK(log_text()[0] == 0);
}

TEST(cmdline_driver_params_are_module_dot_param_words_only)
{
    parse("FOO=1 Foo.Bar=2 tern.loglevel=3 a.b=c -- x.y=z .b=1 a.=1 X.y=2");
    CHECK(args.nparams == 2 && !strcmp(args.params[0], "a.b=c") &&
          !strcmp(args.params[1], "x.y=z"));
    CHECK(args.envc == 2 && !strcmp(args.env[1], "Foo.Bar=2"));
    CHECK(args.argc == 4); /* app, .b=1, a.=1, X.y=2 */
}

TEST(cmdline_mmio_word_before_dashes_and_linux_forms)
{
    parse("virtio_mmio.device=4K@0xd0000000:5:3 "
          "virtio_mmio.device=0x200@4272947200:24");
    CHECK(args.nparams == 2 && args.envc == 0 && args.argc == 1);
    CHECK(word(args.params[0]) == 0 && slot.size == 4096 &&
          slot.addr == 0xd0000000 && slot.gsi == 5);
    CHECK(word(args.params[1]) == 0 && slot.size == 0x200 &&
          slot.addr == 0xfeb00000 && slot.gsi == 24);
    CHECK(log_text()[0] == 0);
}

/* Each bad word: refused with the reason, nothing kept. */
static void check_refused(const char *param, const char *reason)
{
    char why[64] = "";

    CHECK(virtio_mmio_word(param + strlen("virtio_mmio.device="), &slot,
                           why, sizeof(why)) == -1);
    CHECK(strstr(why, reason) != NULL);
    if (!strstr(why, reason))
        printf("#   %s: got %s\n", param, why);
}

TEST(cmdline_mmio_bad_words_warn_once_and_are_skipped)
{
    check_refused("virtio_mmio.device=0@0xfeb00000:5", "size 0");
    check_refused("virtio_mmio.device=@0xfeb00000:5", "no size");
    check_refused("virtio_mmio.device=16@0xfeb00000:5", "size outside");
    check_refused("virtio_mmio.device=1G@0xfeb00000:5", "size outside");
    check_refused("virtio_mmio.device=99999999999999999999G@0x1000:5",
                  "overflows");
    check_refused("virtio_mmio.device=0xffffffffffffffffM@0x1000:5",
                  "overflows");
    check_refused("virtio_mmio.device=512@0xfffffffffffffe00:5", "past 2^52");
    check_refused("virtio_mmio.device=512@0x10000000000000:5", "past 2^52");
    check_refused("virtio_mmio.device=512@0x1ffffffffffffffff:5",
                  "overflows");
    check_refused("virtio_mmio.device=512@0xfeb00002:5", "aligned");
    check_refused("virtio_mmio.device=512:5", "no '@");
    check_refused("virtio_mmio.device=512@0xfeb00000", "no ':<irq>'");
    check_refused("virtio_mmio.device=512@0xfeb00000:", "no ':<irq>'");
    check_refused("virtio_mmio.device=512@0xfeb00000:0", "IRQ outside");
    check_refused("virtio_mmio.device=512@0xfeb00000:256", "IRQ outside");
    check_refused("virtio_mmio.device=512@0xfeb00000:99999999999999999999",
                  "no ':<irq>'");
    check_refused("virtio_mmio.device=512@0xfeb00000:5:", "bad ':<id>'");
    check_refused("virtio_mmio.device=512@0xfeb00000:5x", "trailing");
    check_refused("virtio_mmio.device=", "no size");
}

TEST(cmdline_more_driver_params_than_room_are_dropped_with_a_line_each)
{
    static char line[BOOT_CMDLINE_MAX];
    char w[64];

    line[0] = 0;
    for (unsigned i = 0; i < BOOT_MAX_PARAMS + 2; i++) {
        snprintf(w, sizeof(w), "virtio_mmio.device=512@0x%x:5 ",
                 0xd0000000u + 512 * i);
        strcat(line, w);
    }
    parse(line);
    CHECK(args.nparams == BOOT_MAX_PARAMS);
    CHECK(count_lines(log_text()) == 2 && log_contains("dropped"));
}

static bool only_virtio_mmio(const char *word)
{
    return !strncmp(word, "virtio_mmio.", 12);
}

/* With the image's drivers known, other dotted words stay the app's
 * ("user.name=bob" vanished from argv once). */
TEST(cmdline_words_of_modules_no_driver_names_stay_the_apps)
{
    args.param_known = only_virtio_mmio;
    parse("user.name=bob -- x pkg.version=2 virtio_mmio.device=512@0x1000:5");
    args.param_known = NULL;
    CHECK(args.nparams == 1 && !strncmp(args.params[0], "virtio_mmio.", 12));
    CHECK(args.envc == 1 && !strcmp(args.env[0], "user.name=bob"));
    CHECK(args.argc == 3 && !strcmp(args.argv[2], "pkg.version=2"));
}
