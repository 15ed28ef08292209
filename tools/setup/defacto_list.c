/* defacto_list: prints the plugin's built-in de facto port table as TSV
 * (ports, transports, kind, IANA first name per transport, label, source),
 * straight from plugin/core/defacto.c and the compiled-in IANA table.
 * tools/setup/gen_defacto_table.py turns it into the README table.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdio.h>
#include "defacto.h"
#include "registry.h"

int main(void)
{
    size_t n;
    const defacto_row_t *rows = defacto_builtin_rows(&n);

    printf("ports\ttransports\tkind\tiana\tlabel\tsource\n");
    for (size_t i = 0; i < n; i++) {
        const defacto_row_t *r = &rows[i];
        char ports[16];
        if (r->lo == r->hi)
            snprintf(ports, sizeof ports, "%u", r->lo);
        else
            snprintf(ports, sizeof ports, "%u-%u", r->lo, r->hi);
        printf("%s\t", ports);
        for (int t = 0, first = 1; t < REGISTRY_N_TRANSPORTS; t++)
            if (r->transports & DEFACTO_TRANSPORT_BIT(t)) {
                printf("%s%s", first ? "" : ",", registry_transport_name((registry_transport_t)t));
                first = 0;
            }
        printf("\t%s\t", defacto_kind_name((defacto_kind_t)r->kind));
        /* IANA's first name at each end of the row, per transport */
        for (int t = 0, first = 1; t < REGISTRY_N_TRANSPORTS; t++) {
            registry_info_t lo, hi;
            const char *a, *b;
            if (!(r->transports & DEFACTO_TRANSPORT_BIT(t)))
                continue;
            registry_lookup((registry_transport_t)t, r->lo, &lo);
            registry_lookup((registry_transport_t)t, r->hi, &hi);
            a = registry_name(&lo, 0);
            b = registry_name(&hi, 0);
            printf("%s%s:%s", first ? "" : ";", registry_transport_name((registry_transport_t)t),
                   a ? a : registry_status_name(lo.status));
            if (r->lo != r->hi)
                printf("..%s", b ? b : registry_status_name(hi.status));
            first = 0;
        }
        printf("\t%s\t%s\n", r->label, r->source);
    }
    return 0;
}
