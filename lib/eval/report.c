/* report.c - see report.h. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eval/report.h"

static const char *const metric_name[GT_NMET] = { "ROUGE-1", "ROUGE-2", "ROUGE-L" };
static const char *const metric_key[GT_NMET] = { "rouge1", "rouge2", "rougeL" };

static void put_json(gt_out *o, const char *s) { gt_out_json_str(o, s, strlen(s)); }

/* TSV field: tabs and newlines would break the line; write them as spaces. */
static void put_field(gt_out *o, const char *s)
{
    for (; *s; s++) gt_out_putc(o, *s == '\t' || *s == '\n' || *s == '\r' ? ' ' : *s);
}

static void table_head(gt_out *out, const gt_report_opts *o, const gt_results *r)
{
    gt_out_printf(out, "references: %s (%zu examples)\n", o->ref, r->n);
    if (o->hyp) gt_out_printf(out, "hypotheses: %s (%ld missing, scored 0)\n", o->hyp, r->missing);
    else gt_out_printf(out, "hypotheses: none (baselines only)\n");
    gt_out_printf(out, "ROUGE F1 x100, mean over examples (rouge-score tokens%s)", o->stem ? ", Porter stemming" : "");
    if (o->bootstrap > 0)
        gt_out_printf(out, "; [95%% bootstrap interval, %lld resamples, seed %llu]", o->bootstrap, o->seed);
    gt_out_printf(out, "\n\n");
}

/* The width of the system column: the longest name, at least 15. */
static int name_width(const gt_results *r)
{
    size_t w = 15;
    for (int s = 0; s < r->nsys; s++) if (strlen(r->sys[s]) > w) w = strlen(r->sys[s]);
    return (int)w;
}

static void table_categories(gt_out *out, const gt_report_opts *o, const gt_results *r, int namew)
{
    int nc;
    gt_catsum *c = gt_results_by_category(r, &nc);
    int show = nc < o->by_cat ? nc : o->by_cat;
    gt_out_printf(out, "\nby primary category (%d most frequent of %d), ROUGE F1 x100:\n\n", show, nc);
    size_t catw = 8;
    for (int i = 0; i < show; i++) if (strlen(c[i].name) > catw) catw = strlen(c[i].name);
    gt_out_printf(out, "%-*s  %6s  %-*s  %7s  %7s  %7s\n", (int)catw, "category", "n", namew, "system",
            metric_name[0], metric_name[1], metric_name[2]);
    for (int i = 0; i < show; i++) {
        for (int s = 0; s < r->nsys; s++) {
            if (s == 0) gt_out_printf(out, "%-*s  %6zu", (int)catw, c[i].name, c[i].n);
            else gt_out_printf(out, "%-*s  %6s", (int)catw, "", "");
            gt_out_printf(out, "  %-*s  %7.2f  %7.2f  %7.2f\n", namew, r->sys[s], c[i].mean[s][0],
                    c[i].mean[s][1], c[i].mean[s][2]);
        }
    }
    free(c);
}

void gt_report_table(gt_out *out, const gt_report_opts *o, const gt_results *r, const gt_summary *sm)
{
    int ns = r->nsys;
    table_head(out, o, r);
    int cw = o->bootstrap > 0 ? 21 : 8, namew = name_width(r);
    gt_out_printf(out, "%-*s", namew, "system");
    for (int m = 0; m < GT_NMET; m++) gt_out_printf(out, "  %-*s", cw, metric_name[m]);
    gt_out_printf(out, "  %6s  %8s  %6s  %6s  %6s\n", "words", "verbatim", "empty", ">30w", "rep3+");
    for (int s = 0; s <= ns; s++) {
        gt_out_printf(out, "%-*s", namew, s < ns ? r->sys[s] : "reference");
        for (int m = 0; m < GT_NMET; m++) {
            if (s == ns) gt_out_printf(out, "  %*s", cw, "-");
            else if (o->bootstrap > 0)
                gt_out_printf(out, "  %6.2f [%5.2f, %5.2f]", sm->mean[s][m], sm->lo[s][m], sm->hi[s][m]);
            else gt_out_printf(out, "  %*.2f", cw, sm->mean[s][m]);
        }
        gt_out_printf(out, "  %6.2f  %7.1f%%  %5.1f%%  %5.1f%%  %5.1f%%\n", sm->words[s], sm->verb[s], sm->empty[s],
                      sm->longer[s], sm->repeat[s]);
    }
    if (o->by_cat) table_categories(out, o, r, namew);
}

static void json_categories(gt_out *out, const gt_report_opts *o, const gt_results *r)
{
    int nc;
    gt_catsum *c = gt_results_by_category(r, &nc);
    int show = nc < o->by_cat ? nc : o->by_cat;
    gt_out_printf(out, ",\"categories_total\":%d,\"categories\":[", nc);
    for (int i = 0; i < show; i++) {
        gt_out_str(out, i ? ",{\"category\":" : "{\"category\":");
        put_json(out, c[i].name);
        gt_out_printf(out, ",\"n\":%zu,\"systems\":[", c[i].n);
        for (int s = 0; s < r->nsys; s++) {
            gt_out_str(out, s ? ",{\"name\":" : "{\"name\":");
            put_json(out, r->sys[s]);
            for (int m = 0; m < GT_NMET; m++) gt_out_printf(out, ",\"%s\":%.4f", metric_key[m], c[i].mean[s][m]);
            gt_out_putc(out, '}');
        }
        gt_out_str(out, "]}");
    }
    gt_out_putc(out, ']');
    free(c);
}

void gt_report_json(gt_out *out, const gt_report_opts *o, const gt_results *r, const gt_summary *sm)
{
    int ns = r->nsys;
    gt_out_str(out, "{\"ref\":");
    put_json(out, o->ref);
    gt_out_str(out, ",\"hyp\":");
    if (o->hyp) put_json(out, o->hyp);
    else gt_out_str(out, "null");
    gt_out_printf(out, ",\"examples\":%zu,\"missing\":%ld,\"stemming\":%s,\"bootstrap\":%lld,\"seed\":%llu,\"systems\":[",
            r->n, r->missing, o->stem ? "true" : "false", o->bootstrap > 0 ? o->bootstrap : 0, o->seed);
    for (int s = 0; s < ns; s++) {
        gt_out_str(out, s ? ",{\"name\":" : "{\"name\":");
        put_json(out, r->sys[s]);
        for (int m = 0; m < GT_NMET; m++) {
            gt_out_printf(out, ",\"%s\":%.4f", metric_key[m], sm->mean[s][m]);
            if (o->bootstrap > 0)
                gt_out_printf(out, ",\"%s_ci\":[%.4f,%.4f]", metric_key[m], sm->lo[s][m], sm->hi[s][m]);
        }
        gt_out_printf(out, ",\"mean_words\":%.4f,\"verbatim_pct\":%.4f,\"empty_pct\":%.4f,\"over30_pct\":%.4f,"
                      "\"repeat3_pct\":%.4f}", sm->words[s], sm->verb[s], sm->empty[s], sm->longer[s], sm->repeat[s]);
    }
    gt_out_printf(out, "],\"reference\":{\"mean_words\":%.4f,\"verbatim_pct\":%.4f,\"empty_pct\":%.4f,\"over30_pct\":%.4f,"
                  "\"repeat3_pct\":%.4f}", sm->words[ns], sm->verb[ns], sm->empty[ns], sm->longer[ns], sm->repeat[ns]);
    if (o->by_cat) json_categories(out, o, r);
    gt_out_str(out, "}\n");
}

void gt_report_example_header(gt_out *out)
{
    gt_out_str(out, "id\tsystem\trouge1\trouge2\trougeL\twords\tverbatim\n");
}

void gt_report_example(gt_out *out, const char *id, const char *sys, const gt_sysres *s)
{
    put_field(out, id);
    gt_out_putc(out, '\t');
    put_field(out, sys);
    gt_out_printf(out, "\t%.6f\t%.6f\t%.6f\t%.0f\t%d\n", s->f[0], s->f[1], s->f[2], s->words, s->verbatim);
}
