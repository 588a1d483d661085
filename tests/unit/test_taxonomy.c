/* test_taxonomy.c - lib/arxiv/taxonomy.c: embedded data, loading, selectors, matching. */
#include "t.h"
#include "arxiv/taxonomy.h"
#include "core/util.h"

#include <stdlib.h>

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    size_t cap = 1 << 16, n = 0, got;
    char *b = malloc(cap);
    while ((got = fread(b + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) b = realloc(b, cap *= 2);
    }
    fclose(f);
    *len = n;
    return b;
}

static void test_embedded(void)
{
    size_t n = 0;
    char *file = slurp("data/categories.tsv", &n);
    CHECK(file != NULL, "embedded: data/categories.tsv readable (run from the repo root)");
    CHECK(file && n == gt_taxonomy_tsv_len && memcmp(file, gt_taxonomy_tsv, n) == 0,
          "embedded: lib/arxiv/taxonomy_data.c equals data/categories.tsv byte for byte "
          "(regenerate: sh lib/arxiv/gen-taxonomy.sh > lib/arxiv/taxonomy_data.c)");
    CHECK(gt_taxonomy_tsv[gt_taxonomy_tsv_len] == 0, "embedded: NUL-terminated");
    free(file);
}

static int cls(const gt_taxonomy *t, const char *code)
{
    int i = gt_tax_find(t, code, strlen(code));
    return i < 0 ? -1 - (int)strlen(code) : gt_tax_cat(t, i)->cls;
}

static void test_default(void)
{
    gt_taxonomy *t = gt_tax_load_default();
    CHECK(gt_tax_count(t) == 176, "default: 176 categories");
    int i = gt_tax_find(t, "cs.CL", 5);
    CHECK(i >= 0 && strcmp(gt_tax_cat(t, i)->code, "cs.CL") == 0, "default: find cs.CL");
    CHECK(i >= 0 && strcmp(gt_tax_cat(t, i)->name, "Computation and Language") == 0, "default: name column");
    CHECK(i >= 0 && strcmp(gt_tax_cat(t, i)->group, "cs") == 0 && gt_tax_cat(t, i)->active, "default: group, active");
    CHECK(gt_tax_find(t, "cs.CLx", 5) == i, "default: find uses the length, not a NUL");
    CHECK(gt_tax_find(t, "cs.C", 4) < 0, "default: prefix is not a match");
    CHECK(gt_tax_find(t, "cs.Cl", 5) < 0, "default: case-sensitive");
    int a = gt_tax_find(t, "alg-geom", 8);
    CHECK(a >= 0 && !gt_tax_cat(t, a)->active && strcmp(gt_tax_cat(t, a)->subsumed_by, "math.AG") == 0,
          "default: retired alg-geom subsumed by math.AG");
    CHECK(gt_tax_is_archive(t, "hep-th") && gt_tax_is_archive(t, "math") && !gt_tax_is_archive(t, "cs.CL"),
          "default: archives");
    CHECK(gt_tax_is_group(t, "physics") && !gt_tax_is_group(t, "hep-th"), "default: groups");
    CHECK(cls(t, "math.IT") == cls(t, "cs.IT"), "class: math.IT = cs.IT");
    CHECK(cls(t, "math.MP") == cls(t, "math-ph"), "class: math.MP = math-ph");
    CHECK(cls(t, "alg-geom") == cls(t, "math.AG"), "class: alg-geom with math.AG");
    CHECK(cls(t, "cmp-lg") == cls(t, "cs.CL"), "class: cmp-lg with cs.CL");
    CHECK(cls(t, "cs.CL") != cls(t, "cs.LG"), "class: cs.CL and cs.LG differ");
    CHECK(cls(t, "math.AG") != cls(t, "math.DG"), "class: retired links do not chain unrelated codes");
    gt_tax_free(t);
}

static int sel_match(const gt_taxonomy *t, int literal, const char *sel, const char *code)
{
    gt_catset s;
    char err[256];
    gt_catset_init(&s, t, literal);
    int rc = gt_catset_add(&s, sel, err, sizeof err);
    int m = rc == 0 && gt_catset_match(&s, code, strlen(code));
    gt_catset_free(&s);
    return rc < 0 ? -1 : m;
}

static const char *sel_err(const gt_taxonomy *t, const char *sel)
{
    static char err[256];
    gt_catset s;
    gt_catset_init(&s, t, 0);
    int rc = gt_catset_add(&s, sel, err, sizeof err);
    gt_catset_free(&s);
    return rc < 0 ? err : "(accepted)";
}

static void test_selectors(void)
{
    gt_taxonomy *t = gt_tax_load_default();
    CHECK(sel_match(t, 0, "cs.CL", "cs.CL") == 1, "sel: exact");
    CHECK(sel_match(t, 0, "cs.CL", "cs.LG") == 0, "sel: exact, other code");
    CHECK(sel_match(t, 0, "cs.IT", "math.IT") == 1, "sel: alias, cs.IT takes math.IT");
    CHECK(sel_match(t, 0, "math.IT", "cs.IT") == 1, "sel: alias, math.IT takes cs.IT");
    CHECK(sel_match(t, 1, "math.IT", "cs.IT") == 0, "sel: literal, no alias");
    CHECK(sel_match(t, 0, "math.AG", "alg-geom") == 1, "sel: retired code matched by successor");
    CHECK(sel_match(t, 0, "alg-geom", "math.AG") == 1, "sel: successor matched by retired code");
    CHECK(sel_match(t, 1, "math.AG", "alg-geom") == 0, "sel: literal, no retired code");
    CHECK(sel_match(t, 0, "math", "alg-geom") == 1, "sel: archive math takes alg-geom");
    CHECK(sel_match(t, 0, "math", "math.CO") == 1, "sel: archive math takes math.CO");
    CHECK(sel_match(t, 0, "math", "cs.CL") == 0, "sel: archive math not cs.CL");
    CHECK(sel_match(t, 0, "hep-th", "hep-th") == 1, "sel: archive without subjects");
    CHECK(sel_match(t, 0, "hep-th", "hep-ph") == 0, "sel: hep-th not hep-ph");
    CHECK(sel_match(t, 0, "astro-ph", "astro-ph.CO") == 1, "sel: archive astro-ph takes subjects");
    CHECK(sel_match(t, 0, "astro-ph", "astro-ph") == 1, "sel: archive astro-ph takes the old code");
    CHECK(sel_match(t, 0, "physics", "hep-th") == 1, "sel: group physics takes hep-th");
    CHECK(sel_match(t, 0, "physics", "cond-mat.soft") == 1, "sel: group physics takes cond-mat");
    CHECK(sel_match(t, 0, "physics", "quant-ph") == 1, "sel: group physics takes quant-ph");
    CHECK(sel_match(t, 0, "physics", "chao-dyn") == 1, "sel: group physics takes retired chao-dyn");
    CHECK(sel_match(t, 0, "physics", "math.CO") == 0, "sel: group physics not math.CO");
    CHECK(sel_match(t, 0, "archive:physics", "hep-th") == 0, "sel: archive:physics not hep-th");
    CHECK(sel_match(t, 0, "archive:physics", "physics.optics") == 1, "sel: archive:physics takes physics.optics");
    CHECK(sel_match(t, 0, "group:cs", "cs.AI") == 1, "sel: group:cs");
    CHECK(sel_match(t, 0, "cs.*", "cs.AI") == 1, "sel: glob cs.*");
    CHECK(sel_match(t, 0, "cs.*", "csx.AI") == 0, "sel: glob cs.* not csx.AI");
    CHECK(sel_match(t, 0, "cs.*", "cs.ZZ") == 1, "sel: glob also tried on codes not in the taxonomy");
    CHECK(sel_match(t, 0, "cs.CL", "cs.ZZ") == 0, "sel: unknown record code does not match");
    CHECK(sel_match(t, 0, "*.IT", "math.IT") == 1 && sel_match(t, 0, "*.IT", "cs.IT") == 1, "sel: glob *.IT");
    CHECK(sel_match(t, 0, "hep-*", "hep-lat") == 1 && sel_match(t, 0, "hep-*", "nucl-th") == 0, "sel: glob hep-*");
    CHECK_STR(sel_err(t, "cs.Cl"), "unknown category 'cs.Cl' (did you mean 'cs.CL'?)", "sel: suggestion by case");
    CHECK_STR(sel_err(t, "cond-mat.str-l"), "unknown category 'cond-mat.str-l' (did you mean 'cond-mat.str-el'?)",
              "sel: suggestion by edit distance");
    CHECK_STR(sel_err(t, "physx"), "unknown category 'physx'", "sel: no suggestion when far");
    CHECK_STR(sel_err(t, "zz.*"), "no category matches 'zz.*'", "sel: glob matching nothing");
    CHECK_STR(sel_err(t, "group:hep-th"), "unknown group 'hep-th'", "sel: group: needs a group");
    CHECK_STR(sel_err(t, ""), "unknown category ''", "sel: empty selector");
    CHECK_STR(gt_tax_suggest(t, "MATH"), "math", "suggest: archive by case");
    CHECK_STR(gt_tax_suggest(t, "quantph"), "quant-ph", "suggest: missing dash");
    CHECK(gt_tax_suggest(t, "zzzzzz") == NULL, "suggest: nothing close");
    gt_tax_free(t);
}

static const char *parse_err(const char *tsv)
{
    static char err[256];
    gt_taxonomy *t = gt_tax_parse(tsv, strlen(tsv), "t.tsv", err, sizeof err);
    if (t) { gt_tax_free(t); return "(ok)"; }
    return err;
}

static void test_parse(void)
{
    const char *ok = "code\tarchive\tgroup\talias_of\tsubsumed_by\tis_active\r\n"
                     "a.X\ta\tg\t\t\tTrue\r\n"
                     "a.Y\ta\tg\ta.X\t\tTrue\r\n"
                     "\n"
                     "old\told\tg\t\ta.X\tFalse\n"
                     "b.Z\tb\th\t\t\tTrue";
    char err[256];
    gt_taxonomy *t = gt_tax_parse(ok, strlen(ok), "t.tsv", err, sizeof err);
    CHECK(t != NULL, "parse: CRLF, blank line, last line without newline");
    if (t) {
        CHECK(gt_tax_count(t) == 4, "parse: 4 categories");
        CHECK(cls(t, "a.Y") == cls(t, "a.X") && cls(t, "old") == cls(t, "a.X"), "parse: classes");
        CHECK(gt_tax_find(t, "b.Z", 3) >= 0, "parse: last line kept, \\r stripped");
        int o = gt_tax_find(t, "old", 3);
        CHECK(o >= 0 && !gt_tax_cat(t, o)->active && *gt_tax_cat(t, o)->name == 0, "parse: inactive, no name column");
        gt_tax_free(t);
    }
    CHECK_STR(parse_err("code\tname\ncs.CL\tx\n"), "t.tsv:1: header lacks the 'archive' column", "parse: missing column");
    CHECK_STR(parse_err("code\tarchive\tgroup\na\ta\tg\na\ta\tg\n"), "t.tsv:3: duplicate code 'a'", "parse: duplicate");
    CHECK_STR(parse_err("code\tarchive\tgroup\talias_of\na\ta\tg\tnope\n"),
              "t.tsv:2: alias_of 'nope' is not a category code", "parse: dangling alias");
    CHECK_STR(parse_err("code\tarchive\tgroup\n\ta\tg\n"), "t.tsv:2: empty code", "parse: empty code");
    CHECK_STR(parse_err("code\tarchive\tgroup\n"), "t.tsv: no categories", "parse: header only");
    CHECK_STR(parse_err(""), "t.tsv: no categories", "parse: empty");
    gt_taxonomy *f = gt_tax_load_file("/nonexistent/x.tsv", err, sizeof err);
    CHECK(f == NULL && strstr(err, "/nonexistent/x.tsv: No such file") == err, "load_file: missing file");
}

int main(void)
{
    gt_init("test_taxonomy");
    test_embedded();
    test_default();
    test_selectors();
    test_parse();
    T_END();
}
