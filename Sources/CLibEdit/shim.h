// Non-variadic wrappers over libedit's variadic el_set / el_get / history, and accessors for
// C globals that Swift 6 will not touch directly. Only FathomShell imports this module.
#ifndef FATHOM_CLIBEDIT_SHIM_H
#define FATHOM_CLIBEDIT_SHIM_H

#include <stdio.h>
#include <locale.h>
#include <histedit.h>

typedef char *(*fathom_prompt_fn)(EditLine *);
typedef unsigned char (*fathom_command_fn)(EditLine *, int);

static inline FILE *fathom_stdin(void) { return stdin; }
static inline FILE *fathom_stdout(void) { return stdout; }
static inline FILE *fathom_stderr(void) { return stderr; }

static inline void fathom_set_ctype_locale(void) { setlocale(LC_CTYPE, ""); }

static inline int fathom_el_set_prompt_esc(EditLine *el, fathom_prompt_fn f, char esc) {
    return el_set(el, EL_PROMPT_ESC, f, esc);
}
static inline int fathom_el_set_editor(EditLine *el, const char *mode) {
    return el_set(el, EL_EDITOR, mode);
}
static inline int fathom_el_set_signal(EditLine *el, int on) {
    return el_set(el, EL_SIGNAL, on);
}
static inline int fathom_el_set_history(EditLine *el, History *h) {
    return el_set(el, EL_HIST, history, h);
}
static inline int fathom_el_addfn(EditLine *el, const char *name, const char *help, fathom_command_fn f) {
    return el_set(el, EL_ADDFN, name, help, f);
}
static inline int fathom_el_bind(EditLine *el, const char *key, const char *name) {
    return el_set(el, EL_BIND, key, name, (const char *)NULL);
}
static inline int fathom_el_set_getcfn(EditLine *el, el_rfunc_t f) {
    return el_set(el, EL_GETCFN, f);
}
static inline int fathom_el_set_clientdata(EditLine *el, void *data) {
    return el_set(el, EL_CLIENTDATA, data);
}
static inline void *fathom_el_get_clientdata(EditLine *el) {
    void *data = NULL;
    el_get(el, EL_CLIENTDATA, &data);
    return data;
}
static inline int fathom_history_setsize(History *h, int n) {
    HistEvent ev;
    return history(h, &ev, H_SETSIZE, n);
}
static inline int fathom_history_setunique(History *h, int on) {
    HistEvent ev;
    return history(h, &ev, H_SETUNIQUE, on);
}
static inline int fathom_history_enter(History *h, const char *line) {
    HistEvent ev;
    return history(h, &ev, H_ENTER, line);
}
static inline int fathom_history_load(History *h, const char *path) {
    HistEvent ev;
    return history(h, &ev, H_LOAD, path);
}

#endif
