/* registry.c: the list of scene kinds, generated from the files in src/scenes/
 * (see CMakeLists.txt), and lookup by name. */
#include <string.h>
#include "scene/scene.h"

#define SCENE(name) extern const scene_kind scene_##name;
#include "scene_list.h"
#undef SCENE

static const scene_kind *const kinds[] = {
#define SCENE(name) &scene_##name,
#include "scene_list.h"
#undef SCENE
};

int scene_kind_count(void) { return (int)(sizeof kinds / sizeof kinds[0]); }

const scene_kind *scene_kind_at(int i) {
    return i >= 0 && i < scene_kind_count() ? kinds[i] : NULL;
}

const scene_kind *scene_kind_find(const char *name) {
    for (int i = 0; i < scene_kind_count(); i++)
        if (strcmp(kinds[i]->name, name) == 0) return kinds[i];
    return NULL;
}
