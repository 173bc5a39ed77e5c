# session: the event bus, the recorder, replay and the audit log.
libcutover_a_SOURCES += session/event.c session/event.h session/bus.c session/bus.h
