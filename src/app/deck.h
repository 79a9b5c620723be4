/* deck.h: a lecture deck (*.deck): scenes and presets in the order a lecture
 * shows them, each with an optional beat range and presenter notes per beat.
 *
 *   ; scenes/lecture.deck
 *   [deck]
 *   title = Deep learning, computed live
 *
 *   [entry]
 *   scene = cnn.scene          ; a preset (relative to the deck) or a scene name
 *   beats = 1-4                ; optional: a range or one beat, numbered from 1
 *   title = How a CNN reads    ; optional: the name in the go-to list
 *   note.2 = Ask the room what a filter is before you go on.
 *
 * Sections are [deck] (first, once) and [entry] (one or more, in order).
 * deck_open loads every scene up front, so a bad deck is refused before the
 * lecture starts (deck_peek checks the same file without opening a scene); entries naming the same source share one live scene, so a
 * drawn digit or a typed sentence survives leaving and coming back.
 *
 * Errors: NULL and "FILE:LINE: message" in err (exit code 2 material).
 */
#ifndef TS_DECK_H
#define TS_DECK_H

#include <stdbool.h>
#include <stddef.h>
#include "scene/scene.h"

#define DECK_MAX_ENTRIES 64
#define DECK_MAX_BEATS 64

typedef struct deck_entry {
    scene *s;                      /* shared by entries with the same source; NULL in a peeked deck */
    const scene_kind *kind;
    bool owns;                     /* this entry closes s */
    int first, last;               /* beat range of s, 0-based, inclusive */
    char title[128];
    char *note[DECK_MAX_BEATS];    /* presenter notes by scene beat, or NULL */
} deck_entry;

typedef struct deck {
    char path[512];                /* the deck file, or the scene's source */
    char title[128];
    int n;
    deck_entry e[DECK_MAX_ENTRIES];
} deck;

bool  deck_is_path(const char *arg);                       /* ends in .deck */
deck *deck_open(const char *path, char *err, size_t errlen);
/* The same checks of the deck's syntax, names, beats and notes, with each
 * entry's scene a known kind or a preset whose syntax and keys check
 * (preset_check_keys), but no scene opened or initialised: for listings
 * (list, the picker), quick however heavy the scenes. Entries have s == NULL
 * and their kind; only deck_close may be done with it. */
deck *deck_peek(const char *path, char *err, size_t errlen);
/* A deck of one entry holding the whole story of s (takes ownership of s). */
deck *deck_of_scene(scene *s);
/* Opens a deck path, or a scene name / preset path as a deck of one. */
deck *deck_open_any(const char *arg, char *err, size_t errlen);
void  deck_close(deck *d);

/* ---- slides: every beat of every entry, numbered through the deck -------- */

int  deck_slide_count(const deck *d);
/* The deck-wide slide (0-based) of beat `beat` of entry `entry`. */
int  deck_slide_of(const deck *d, int entry, int beat);
/* The entry and scene beat of deck-wide slide `slide`; false if out of range. */
bool deck_slide_at(const deck *d, int slide, int *entry, int *beat);

/* ---- time over the whole deck (exports) ---------------------------------- */

double deck_entry_duration(const deck *d, int entry);
double deck_duration(const deck *d);
/* The entry shown at time t (seconds from the start of the deck, clamped)
 * with its scene's clock set to that moment. */
int    deck_seek(deck *d, double t);

#endif
