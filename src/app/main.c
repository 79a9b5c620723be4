/* main.c: the tensorstage executable; everything happens in app_main (cli.c). */
#include "app/app.h"

int main(int argc, char **argv) { return app_main(argc, argv); }
