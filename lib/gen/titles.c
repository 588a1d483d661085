/* titles.c - see titles.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/utf8.h"
#include "core/util.h"
#include "gen/titles.h"

int gt_titler_bos(const gt_specials *sp, int model_bos)
{
    if (sp->add_bos == 0) return -1;
    return sp->bos >= 0 ? sp->bos : model_bos;
}

void gt_titler_free(gt_titler *t)
{
    gt_buf_free(&t->prompt);
    gt_ids_free(&t->ids);
}

int gt_titler_run(gt_titler *t, const gt_gen_opts *o, const char *instr, size_t ni, const char *abs, size_t nabs,
                  const gt_cand **out, int *nout)
{
    t->ids.n = 0;
    if (t->bos >= 0) gt_ids_push(&t->ids, t->bos);
    gt_template_encode(t->tpl, t->tc, instr, ni, abs, nabs, t->max_in, &t->prompt, &t->ids);
    return gt_gen_run(t->gen, o, t->ids.v, (int)t->ids.n, out, nout);
}

/* "titles":[...]} and the end of the line. */
static void write_titles(gt_out *o, const gt_cand *c, int n, int ids)
{
    gt_out_str(o, "\"titles\":[");
    for (int i = 0; i < n; i++) {
        char num[64];
        if (i) gt_out_putc(o, ',');
        gt_out_str(o, "{\"title\":");
        gt_out_json_str(o, c[i].text, c[i].len);
        snprintf(num, sizeof num, ",\"score\":%.4f", c[i].score);
        gt_out_str(o, num);
        if (ids) {
            gt_out_str(o, ",\"ids\":[");
            for (int j = 0; j < c[i].nids; j++) {
                snprintf(num, sizeof num, j ? ",%d" : "%d", (int)c[i].ids[j]);
                gt_out_str(o, num);
            }
            gt_out_putc(o, ']');
        }
        gt_out_putc(o, '}');
    }
    gt_out_str(o, "]}\n");
}

void gt_titles_write_record(gt_out *o, const gt_rec *rec, const gt_cand *c, int n, int ids)
{
    gt_out_putc(o, '{');
    for (int i = 0; i < rec->nf; i++) {
        const gt_field *f = &rec->f[i];
        if (strcmp(gt_rec_at(rec, f->key), "titles") == 0) continue;
        gt_out_json_str(o, gt_rec_at(rec, f->key), f->key.len);
        gt_out_putc(o, ':');
        gt_rec_write_value(o, rec, i);
        gt_out_putc(o, ',');
    }
    write_titles(o, c, n, ids);
}

void gt_titles_write_text(gt_out *o, const char *text, size_t len, const gt_cand *c, int n, int ids)
{
    gt_out_str(o, "{\"abstract\":");
    gt_out_json_str(o, text, len);
    gt_out_putc(o, ',');
    write_titles(o, c, n, ids);
}

void gt_titles_stop_at_eos(gt_gen *gen, const gt_tok *tok, const gt_specials *sp, const gt_model *m)
{
    if (sp->eos >= 0) gt_gen_set_stop(gen, sp->eos, GT_STOP_EOS);
    int guess = gt_tok_eos(tok);
    if (!(gt_tok_guessed(tok) & GT_TOK_GUESSED_EOS) || guess < 0 || guess == sp->eos) return;
    for (int i = 0; i < m->c.n_eos; i++)
        if (m->c.eos_ids[i] == guess) return;
    gt_gen_set_stop(gen, guess, GT_STOP_NONE);
}

void gt_titles_stats(const gt_gen *gen, uint64_t total, const char *what, double t_start, const gt_quant *quant,
                     const gt_model *model, const gt_specials *sp, int bos)
{
    const gt_gen_stats *s = gt_gen_totals(gen);
    gt_warn("%llu %s in %.2f s; prefill %lld tokens %.1f tok/s; decode %lld tokens %.1f tok/s; "
            "weights %.1f MB%s; KV cache %.1f MB",
            (unsigned long long)total, what, gt_now() - t_start, s->prefill_tokens,
            s->prefill_s > 0 ? (double)s->prefill_tokens / s->prefill_s : 0.0, s->decode_tokens,
            s->decode_s > 0 ? (double)s->decode_tokens / s->decode_s : 0.0,
            (double)(quant ? gt_quant_bytes(quant) : model->weight_bytes) / 1e6, quant ? " (8-bit)" : "",
            (double)s->kv_bytes_peak / 1e6);
    char d[200];
    gt_warn("special tokens: %s; prompts start with %s", gt_specials_describe(sp, d, sizeof d), bos >= 0 ? "BOS" : "no BOS");
}

const char *gt_titles_line_input(gt_cleaner *cl, int text, int keep_instr, gt_rec *rec, const char *line, size_t len,
                                 const char **abs, size_t *nabs, const char **instr, char *whybuf, size_t whysz)
{
    *nabs = 0;
    if (text) {
        if (!gt_utf8_valid((const unsigned char *)line, len, 1)) return "invalid UTF-8";
        *abs = gt_clean_text(cl, GT_TEXT_ABSTRACT, line, len, nabs);
    } else {
        if (gt_rec_parse(rec, line, len, whybuf, whysz) != 0) return whybuf;
        const char *ri = gt_rec_str(rec, "instruction", NULL);
        if (ri && !keep_instr) *instr = ri;
        if ((*abs = gt_rec_str(rec, "abstract", nabs)))
            *abs = gt_clean_text(cl, GT_TEXT_ABSTRACT, *abs, *nabs, nabs);
        else if (!(*abs = gt_rec_str(rec, "input", nabs)))
            return "no string \"abstract\" or \"input\"";
    }
    return *nabs == 0 ? "empty abstract" : NULL;
}
