/* The Tern image: port 80 on every address, the site is boot module 0. */
#include "platform.h"

const int platform_default_port = 80;
const char platform_default_site[] = "/modules/0";
const char platform_default_bind[] = "0.0.0.0";

void httpd_platform_init(void)
{
}
