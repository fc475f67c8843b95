# BSD sockets: lwIP's socket layer (its api/sockets.c, built by lib/lwip)
# behind descriptors of Tern's table.
sockets-srcs := lib/sockets/socket.c lib/sockets/sockopt.c lib/sockets/netdb.c
obj-$(CONFIG_SOCKETS) += $(sockets-srcs)
$(O)/obj/lib/sockets/%: KERNEL_CFLAGS += $(LWIP_INC)
$(patsubst %,$(O)/obj/%.o,$(sockets-srcs)): | $(LWIP_STAMP)
