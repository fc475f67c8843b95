/* What differs between the Tern image and the host build of httpd
 * (platform_tern.c, platform_host.c). */
#ifndef HTTPD_PLATFORM_H
#define HTTPD_PLATFORM_H

extern const int platform_default_port;
extern const char platform_default_site[];
extern const char platform_default_bind[];

void httpd_platform_init(void);

#endif
