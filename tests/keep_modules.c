/* keep_modules.c: linked into executables of the sanitizer build only.
 *
 * Mesa unloads its driver (dlclose) at exit, before LeakSanitizer runs, so
 * the driver's own one-time allocations show up as leaks from an "<unknown
 * module>" that no suppression can name. Keeping every module loaded lets the
 * stacks resolve to Mesa's libraries, which tests/lsan.supp suppresses, while
 * leaks in the project's code are still reported.
 */
int dlclose(void *handle);

int dlclose(void *handle) {
    (void)handle;
    return 0;
}
