/* virtio_mmio.device= words: the runtime takes them wherever they stand
 * (QEMU's microvm appends them after the app's "--"), parses Linux's
 * <size>@<addr>:<irq>[:<id>] form, and skips a bad one with one
 * warning. */
#include <string.h>
#include <tern/cmdline.h>
#include <tern/exit.h>
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

TEST(cmdline_mmio_words_as_qemu_appends_them)
{
    parse("K=v -- a virtio_mmio.device=512@0xfeb00e00:12 "
          "virtio_mmio.device=512@0xfeb00c00:11");
    CHECK(args.nmmio == 2);
    CHECK(args.mmio[0].addr == 0xfeb00e00 && args.mmio[0].size == 512 &&
          args.mmio[0].gsi == 12);
    CHECK(args.mmio[1].addr == 0xfeb00c00 && args.mmio[1].gsi == 11);
    /* the app sees neither word, in argv or in its environment */
    CHECK(args.argc == 2 && !strcmp(args.argv[1], "a") && !args.argv[2]);
    CHECK(args.envc == 1 && !strcmp(args.env[0], "K=v"));
    CHECK(log_text()[0] == 0);
}

TEST(cmdline_mmio_word_before_dashes_and_linux_forms)
{
    parse("virtio_mmio.device=4K@0xd0000000:5:3 "
          "virtio_mmio.device=0x200@4272947200:24");
    CHECK(args.nmmio == 2 && args.envc == 0 && args.argc == 1);
    CHECK(args.mmio[0].size == 4096 && args.mmio[0].addr == 0xd0000000 &&
          args.mmio[0].gsi == 5);
    CHECK(args.mmio[1].size == 0x200 && args.mmio[1].addr == 0xfeb00000 &&
          args.mmio[1].gsi == 24);
    CHECK(log_text()[0] == 0);
}

/* Each bad word: one warning naming it and the reason, nothing kept. */
static void check_refused(const char *word, const char *reason)
{
    char line[256];

    strcpy(line, "-- x ");
    strcat(line, word);
    parse(line);
    CHECK(args.nmmio == 0);
    CHECK(args.argc == 2 && !strcmp(args.argv[1], "x"));
    CHECK(count_lines(log_text()) == 1);
    CHECK(log_contains(word) && log_contains(reason));
    if (!log_contains(reason))
        printf("#   %s: got %s", word, log_text());
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

TEST(cmdline_mmio_more_words_than_slots_are_dropped_with_a_line_each)
{
    static char line[BOOT_CMDLINE_MAX];
    char word[64];

    line[0] = 0;
    for (unsigned i = 0; i < BOOT_MAX_MMIO + 2; i++) {
        snprintf(word, sizeof(word), "virtio_mmio.device=512@0x%x:5 ",
                 0xd0000000u + 512 * i);
        strcat(line, word);
    }
    parse(line);
    CHECK(args.nmmio == BOOT_MAX_MMIO);
    CHECK(args.mmio[BOOT_MAX_MMIO - 1].addr ==
          0xd0000000u + 512 * (BOOT_MAX_MMIO - 1));
    CHECK(count_lines(log_text()) == 2 && log_contains("dropped"));
}
