/* shader.c: finding the shader directory and building GLSL programs.
 *
 * Shaders are plain `#version 330 core` files in shaders/, read at run time so
 * they can be edited without rebuilding. The directory is, in order: the one
 * given to gfx_init, the environment variable TS_SHADER_DIR, <exe>/shaders,
 * <exe>/../share/tensorstage/shaders, and TS_SOURCE_DIR/shaders (the source
 * tree, for builds that are run in place). A directory counts when it holds
 * batch.vert.
 *
 * gfx_shader_program(dir, "batch", "glyph") compiles dir/batch.vert and dir/glyph.frag
 * and links them with the vertex attributes bound to fixed locations (see
 * renderer.c). Errors: 0 and the compiler's first line in err.
 */
#include "gfx_internal.h"

#include <SDL2/SDL.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef TS_SOURCE_DIR
#define TS_SOURCE_DIR "."
#endif

static bool file_exists(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) return false;
    fclose(f);
    return true;
}

static bool try_dir(const char *dir, char *out, size_t outlen)
{
    char probe[4096];
    if (!dir || !*dir) return false;
    if (snprintf(probe, sizeof probe, "%s/batch.vert", dir) >= (int)sizeof probe)
        return false;
    if (!file_exists(probe)) return false;
    snprintf(out, outlen, "%s", dir);
    return true;
}

bool gfx_shader_dir_find(const char *hint, char *out, size_t outlen, char *err, size_t errlen)
{
    if (hint) {
        if (try_dir(hint, out, outlen)) return true;
        if (err && errlen) snprintf(err, errlen, "no shaders in %s (batch.vert missing)", hint);
        return false;
    }
    if (try_dir(getenv("TS_SHADER_DIR"), out, outlen)) return true;
    char *base = SDL_GetBasePath();     /* ends with a separator */
    if (base) {
        char cand[4096];
        snprintf(cand, sizeof cand, "%sshaders", base);
        bool ok = try_dir(cand, out, outlen);
        if (!ok) {
            snprintf(cand, sizeof cand, "%s../share/tensorstage/shaders", base);
            ok = try_dir(cand, out, outlen);
        }
        SDL_free(base);
        if (ok) return true;
    }
    if (try_dir(TS_SOURCE_DIR "/shaders", out, outlen)) return true;
    if (err && errlen)
        snprintf(err, errlen, "shader directory not found (looked next to the executable "
                 "and in %s/shaders; set TS_SHADER_DIR)", TS_SOURCE_DIR);
    return false;
}

static char *read_text(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    char *buf = NULL;
    if (fseek(f, 0, SEEK_END) == 0) {
        long n = ftell(f);
        if (n >= 0 && fseek(f, 0, SEEK_SET) == 0 && (buf = malloc((size_t)n + 1))) {
            if (fread(buf, 1, (size_t)n, f) != (size_t)n) {
                free(buf);
                buf = NULL;
            } else {
                buf[n] = 0;
            }
        }
    }
    fclose(f);
    return buf;
}

static void first_line(char *s)
{
    char *nl = strchr(s, '\n');
    if (nl) *nl = 0;
}

static GLuint compile(GLenum type, const char *path, char *err, size_t errlen)
{
    char *src = read_text(path);
    if (!src) {
        if (err && errlen) snprintf(err, errlen, "cannot read shader %s", path);
        return 0;
    }
    GLuint sh = glCreateShader(type);
    const char *srcs[1] = { src };
    glShaderSource(sh, 1, srcs, NULL);
    glCompileShader(sh);
    free(src);
    GLint ok = 0;
    glGetShaderiv(sh, GL_COMPILE_STATUS, &ok);
    if (!ok) {
        char log[1024] = "";
        glGetShaderInfoLog(sh, sizeof log, NULL, log);
        first_line(log);
        if (err && errlen) snprintf(err, errlen, "%s: %s", path, log);
        glDeleteShader(sh);
        return 0;
    }
    return sh;
}

GLuint gfx_shader_program(const char *dir, const char *vert, const char *frag, char *err, size_t errlen)
{
    char vp[4200], fp[4200];
    snprintf(vp, sizeof vp, "%s/%s.vert", dir, vert);
    snprintf(fp, sizeof fp, "%s/%s.frag", dir, frag);
    GLuint vs = compile(GL_VERTEX_SHADER, vp, err, errlen);
    if (!vs) return 0;
    GLuint fs = compile(GL_FRAGMENT_SHADER, fp, err, errlen);
    if (!fs) {
        glDeleteShader(vs);
        return 0;
    }
    GLuint prog = glCreateProgram();
    glAttachShader(prog, vs);
    glAttachShader(prog, fs);
    glBindAttribLocation(prog, 0, "a_pos");
    glBindAttribLocation(prog, 1, "a_local");
    glBindAttribLocation(prog, 2, "a_param");
    glBindAttribLocation(prog, 3, "a_color");
    glBindAttribLocation(prog, 4, "a_kind");
    glBindFragDataLocation(prog, 0, "o_color");
    glLinkProgram(prog);
    glDeleteShader(vs);
    glDeleteShader(fs);
    GLint ok = 0;
    glGetProgramiv(prog, GL_LINK_STATUS, &ok);
    if (!ok) {
        char log[1024] = "";
        glGetProgramInfoLog(prog, sizeof log, NULL, log);
        first_line(log);
        if (err && errlen) snprintf(err, errlen, "linking %s.vert with %s.frag: %s", vert, frag, log);
        glDeleteProgram(prog);
        return 0;
    }
    return prog;
}
