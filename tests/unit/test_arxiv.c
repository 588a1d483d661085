/* test_arxiv.c - id and category forms, RFC 822 dates, field lists. */
#include "t.h"
#include "arxiv/arxiv.h"

#include <string.h>

#define ID(s) gt_arxiv_valid_id(s, strlen(s))
#define CAT(s) gt_arxiv_valid_category(s, strlen(s))

/* The record as written, every field, into BUF (not flushed). */
static size_t written(const gt_arxiv *a, gt_out *o)
{
    o->len = 0;
    gt_arxiv_write(a, o, (1u << GT_F_COUNT) - 1);
    return o->len;
}

/* The fast scanner and the yajl callbacks must agree: verdict, message,
 * record; the fast path copies canonical strings from the line as they are
 * written there, the yajl path decodes and re-escapes them. */
static int paths_agree(const char *line)
{
    gt_arxiv *a = gt_arxiv_new(), *b = gt_arxiv_new();
    size_t n = strlen(line);
    int r1 = gt_arxiv_parse(a, line, n), r2 = gt_arxiv_parse_yajl(b, line, n);
    int same = r1 == r2 && strcmp(gt_arxiv_error(a), gt_arxiv_error(b)) == 0 &&
               (r1 != 0 || gt_arxiv_has_v1(a) == gt_arxiv_has_v1(b));
    if (same && r1 == 0) {
        static gt_out oa, ob;
        if (!oa.buf) { gt_out_init(&oa, -1, "a"); gt_out_init(&ob, -1, "b"); }
        size_t na = written(a, &oa), nb = written(b, &ob);
        same = na == nb && memcmp(oa.buf, ob.buf, na) == 0;
        if (!same) printf("  records differ:\n  %.*s  %.*s", (int)na, oa.buf, (int)nb, ob.buf);
    }
    if (!same) printf("  differ: %d/%d '%s' '%s' on %s\n", r1, r2, gt_arxiv_error(a), gt_arxiv_error(b), line);
    gt_arxiv_free(a);
    gt_arxiv_free(b);
    return same;
}

int main(void)
{
    CHECK(ID("0704.0001") && ID("1501.00001") && ID("hep-th/9901001") && ID("math.AG/0101001")
          && ID("cond-mat/0001001"), "id: valid forms");
    CHECK(!ID("704.0001") && !ID("0704.001") && !ID("0704.000001") && !ID("hep-th/990100") && !ID("/9901001")
          && !ID("HEP-TH/9901001") && !ID("math.ag/0101001") && !ID("0704.0001v2") && !ID(""), "id: invalid forms");
    CHECK(CAT("cs.CL") && CAT("hep-th") && CAT("math-ph") && CAT("alg-geom") && CAT("physics.acc-ph")
          && CAT("q-bio.NC"), "category: valid");
    CHECK(!CAT("cs.") && !CAT(".CL") && !CAT("Cs.CL") && !CAT("cs.CL!") && !CAT(""), "category: invalid");
    char d[11];
    CHECK(gt_arxiv_rfc822_date("Mon, 2 Apr 2007 19:18:42 GMT", 28, d) == 0 && strcmp(d, "2007-04-02") == 0,
          "date: one-digit day");
    CHECK(gt_arxiv_rfc822_date("Sat, 31 Dec 2016 23:59:59 GMT", 29, d) == 0 && strcmp(d, "2016-12-31") == 0,
          "date: two-digit day");
    CHECK(gt_arxiv_rfc822_date("2 Apr 2007", 10, d) == 0 && strcmp(d, "2007-04-02") == 0, "date: no weekday");
    CHECK(gt_arxiv_rfc822_date("Mon, 2 Foo 2007 19:18:42 GMT", 28, d) == -1 &&
          gt_arxiv_rfc822_date("Mon, 32 Apr 2007", 16, d) == -1 &&
          gt_arxiv_rfc822_date("Mon, 2 Apr 07", 13, d) == -1 && gt_arxiv_rfc822_date("", 0, d) == -1,
          "date: invalid");
    unsigned m;
    char bad[32];
    CHECK(gt_arxiv_parse_fields("title,doi", &m, bad, sizeof bad) == 0 &&
          m == ((1u << GT_F_ID) | (1u << GT_F_TITLE) | (1u << GT_F_DOI)), "fields: list, id implied");
    CHECK(gt_arxiv_parse_fields("title,nope", &m, bad, sizeof bad) == -1 && strcmp(bad, "nope") == 0,
          "fields: unknown");
    gt_arxiv *a = gt_arxiv_new();
    const char *rec = "{\"id\":\"0704.0001\",\"title\":\"T\",\"abstract\":\"A\",\"categories\":\"cs.CL  cs.LG\","
                      "\"versions\":[{\"version\":\"v1\",\"created\":\"Mon, 2 Apr 2007 19:18:42 GMT\"},"
                      "{\"version\":\"v2\",\"created\":\"Tue, 3 Apr 2007 19:18:42 GMT\"}],"
                      "\"authors_parsed\":[[\"A\",\"B\",\"\"]],\"extra\":{\"x\":[1]}}";
    CHECK(gt_arxiv_parse(a, rec, strlen(rec)) == 0 && gt_arxiv_has_v1(a), "parse: nested values walked");
    gt_arxiv_free(a);
    static const char *const tricky[] = {
        "{\"id\":\"0704.0001\",\"title\":\"T\",\"abstract\":\"A\",\"categories\":\"cs.CL\",\"versions\":[{\"created\":\"Mon, 2 Apr 2007 00:00:00 GMT\",\"version\":\"v2\"},{\"version\":\"v1\",\"created\":\"Tue, 3 Apr 2007 00:00:00 GMT\"}]}",
        "{\"id\":\"0704.0001\",\"title\":\"T\",\"abstract\":\"A\",\"categories\":\"cs.CL\",\"versions\":\"v1\"}",
        "{\"id\":\"0704.0001\",\"title\":\"T\",\"abstract\":\"A\",\"categories\":\"cs.CL\",\"versions\":[\"v1\"]}",
        "{\"id\":\"0704.0001\",\"title\":\"T\",\"abstract\":\"A\",\"categories\":\"cs.CL\",\"versions\":[{\"version\":1}]}",
        "{\"id\":\"0704.0001\",\"title\":[\"T\"],\"abstract\":\"A\",\"categories\":\"cs.CL\"}",
        "{\"id\":\"0704.0001\",\"title\":7,\"abstract\":\"A\",\"categories\":\"cs.CL\"}",
        "{\"id\":\"0704.0001\",\"title\":\"T\",\"title\":\"U\",\"abstract\":\"A\",\"categories\":\"cs.CL\"}",
        "{\"id\":\"0704.0001\",\"x\":1,\"x\":{\"y\":[1,2,{\"z\":null}]},\"title\":\"T\",\"abstract\":\"A\",\"categories\":\"cs.CL\"}",
        "{\"id\":\"0704.0001\",\"title\":\"T\\u00e9\\ud83d\\ude00\",\"abstract\":\"A\",\"categories\":\"cs.CL\",\"doi\":null}",
        "{\"id\":\"0704.0001\",\"title\":\"T\",\"abstract\":\"A\",\"categories\":\"cs.CL\"} trailing",
        "{\"id\":\"0704.0001\",\"title\":\"T\",\"abstract\":\"A\",\"categories\":\"cs.CL\",\"authors_parsed\":[[\"a\",\"b\",\"\"]]",
        "{\"id\":\"0704.0001\",\"title\":\"T\",\"abstract\":\"A\\u0000\",\"categories\":\"cs.CL\"}",
        "[]", "", "{}", "null",
        /* strings copied as written or decoded: every escape form, raw DEL and controls, blank values */
        "{\"id\":\"0704.0001\",\"title\":\"a\\\"b\\\\c\\/d\\be\\ff\\ng\\rh\\ti\",\"abstract\":\"A\",\"categories\":\"cs.CL\"}",
        "{\"id\":\"0704.0001\",\"title\":\"a\\\"b\\\\c\\be\\ff\\ng\\rh\\ti \xc3\xa9 \xf0\x9f\x98\x80\",\"abstract\":\"A\",\"categories\":\"cs.CL\"}",
        "{\"id\":\"0704.0001\",\"title\":\"x\\u001fy\\u007fz\\u00e9\\u0041\",\"abstract\":\"A\\u000a\",\"categories\":\"cs.CL\"}",
        "{\"id\":\"0704.0001\",\"title\":\"del\x7f here\",\"abstract\":\"A\",\"categories\":\"cs.CL\",\"comments\":\"c\x7f\"}",
        "{\"id\":\"0704.0001\",\"title\":\"bad\x01control\",\"abstract\":\"A\",\"categories\":\"cs.CL\"}",
        "{\"id\":\"0704.0001\",\"title\":\"bad \xc3\x28 utf8\",\"abstract\":\"A\",\"categories\":\"cs.CL\"}",
        "{\"id\":\"0704.0001\",\"title\":\"bad \\x escape\",\"abstract\":\"A\",\"categories\":\"cs.CL\"}",
        "{\"id\":\"0704.0001\",\"title\":\"  \\n  \\t\\r \",\"abstract\":\"A\",\"categories\":\"cs.CL\"}",
        "{\"id\":\"0704.0001\",\"title\":\"T\",\"abstract\":\" \\n \",\"categories\":\"cs.CL\"}",
        "{\"id\":\"0704.0001\",\"title\":\"T\",\"abstract\":\" \\u0020\\n \",\"categories\":\"cs.CL\"}",
        "{\"id\":\"0704.0001\",\"title\":\" \\f \",\"abstract\":\"A\",\"categories\":\"cs.CL\"}",
        "{\"id\":\"0704.0001\",\"title\":\"T\",\"abstract\":\"A\",\"categories\":\"cs.CL\",\"authors\":\"Bal\\\\'azs and O\\u0027Neil\",\"doi\":\"10.1/x\\/y\",\"journal-ref\":\"J\\n1\",\"submitter\":\"S\",\"report-no\":\"R\",\"license\":\"http:\\/\\/l\"}",
        "{\"id\":\"0704.0001\",\"title\":\"unterminated,\"abstract\":\"A\",\"categories\":\"cs.CL\"}",
        "{\"id\":\"0704.0001\",\"title\":\"ends in backslash\\",
    };
    int agree = 1;
    for (size_t i = 0; i < sizeof tricky / sizeof tricky[0]; i++) agree &= paths_agree(tricky[i]);
    CHECK(agree, "parse: fast scanner and yajl callbacks agree on tricky lines");
    T_END();
}
