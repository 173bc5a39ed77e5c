/* libFuzzer harness: everything that parses an AWS reply, on arbitrary
 * bytes. Each input goes through all of them:
 *   - Aws_parse_error: the JSON ({"__type","message"}) and XML
 *     (<Error><Code>/<Message>, <RequestId>) error bodies;
 *   - the XML walker (Xml_find, Xml_next over repeated elements, Xml_text)
 *     as the Query/REST-XML callers use it;
 *   - Secrets_parse_db and Secrets_with_endpoint on a SecretString;
 *   - the credentials JSON of credential_process and the container/IMDS
 *     metadata services, and the ISO 8601 Expiration parser;
 *   - the STS AssumeRole / AssumeRoleWithWebIdentity reply (Credentials,
 *     AssumedRoleUser).
 * The credentials JSON parser is static in aws/credentials.c (the only
 * public way in runs a process or an HTTP fetch per input), so this file
 * includes that .c and is compiled without aws/credentials.c.
 * Built and run by tests/integration/fuzz_parsers.sh. */
#include "aws/credentials.c"

#include <stdint.h>

#include "aws/http.h"
#include "aws/secrets.h"
#include "aws/sts.h"
#include "aws/xml.h"
#include "lib/redact.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fuzz_xml(const char *text)
{
    Xml_span doc = Xml_doc(text), item;
    const char *cursor = doc.start;
    char buf[256];
    int n = 0;
    while (n++ < 64 && Xml_next(doc, "member", &cursor, &item)) {
        Xml_text(item, "Key", buf, sizeof buf);
        Xml_text(item, "Value", buf, sizeof buf);
    }
    Xml_span inner;
    if (Xml_find(doc, "DescribeDBInstancesResult", &inner))
        Xml_text(inner, "DBInstanceStatus", buf, sizeof buf);
    Xml_text(doc, "a", buf, 2); /* a buffer smaller than most values */
}

static void fuzz_secret(const char *text)
{
    Secret_db s;
    char err[256];
    memset(&s, 0, sizeof s);
    Secrets_parse_db(text, &s, err, sizeof err);
    Secrets_db_clear(&s);
    char *rewritten = Secrets_with_endpoint(text, "db.example.test", 3306, err, sizeof err);
    free(rewritten);
}

static void fuzz_credentials(const char *text)
{
    Credentials c;
    char err[256];
    memset(&c, 0, sizeof c);
    if (parse_json_credentials(text, "Token", "fuzz", &c, err, sizeof err) == 0)
        Credentials_clear(&c);
    memset(&c, 0, sizeof c);
    if (parse_json_credentials(text, "SessionToken", "fuzz", &c, err, sizeof err) == 0)
        Credentials_clear(&c);
    (void)Credentials_parse_time(text);
    memset(&c, 0, sizeof c);
    if (Sts_parse_credentials(text, "fuzz", &c, err, sizeof err) == 0)
        Credentials_clear(&c);
    Redact_clear(); /* the secrets registered by the parsers above */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    Aws_response resp;
    memset(&resp, 0, sizeof resp);
    Aws_parse_error(text, size > 0 && data[0] == '<' ? NULL : "com.amazonaws#Fuzz:x", &resp);
    fuzz_xml(text);
    fuzz_secret(text);
    fuzz_credentials(text);
    free(text);
    return 0;
}
