/* The service calls' request building and reply parsing on canned bodies:
 * CloudWatch GetMetricData (one batched request, ids, both DMS dimensions,
 * pages folded keeping the newest datapoint), DMS task and table statistics
 * (paging marker, resource id, bad tables), SSM, Route 53 (record ids, the
 * UPSERT body, ListResourceRecordSets) and RDS (the form body, a parameter in
 * DescribeDBParameters). The calls go through aws/http, tested against the
 * local endpoint by the integration tests. */
#include <check.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/cloudwatch.h"
#include "aws/dms.h"
#include "aws/rds.h"
#include "aws/route53.h"
#include "aws/ssm.h"
#include "tests/unit/unit.h"

#define TASK_ARN "arn:aws:dms:us-east-1:123456789012:task:ABCDEFGHIJK"

START_TEST(cloudwatch_request_batches_every_query)
{
    Cw_query q[2];
    Cw_rds_query(&q[0], "src0", "CPUUtilization", "shop-source");
    Cw_dms_query(&q[1], "dms0", "CDCLatencySource", "repinstance01", Dms_resource_id(TASK_ARN));
    char *body = Cw_request_body(q, 2, 1000, 1600, "tok");
    json_object *o = json_tokener_parse(body), *v, *list;
    ck_assert_ptr_nonnull(o);
    ck_assert(json_object_object_get_ex(o, "MetricDataQueries", &list));
    ck_assert_int_eq(json_object_array_length(list), 2);
    ck_assert(json_object_object_get_ex(o, "StartTime", &v));
    ck_assert_int_eq(json_object_get_int64(v), 1000);
    ck_assert(json_object_object_get_ex(o, "NextToken", &v));
    ck_assert_str_eq(json_object_get_string(v), "tok");
    json_object *q1 = json_object_array_get_idx(list, 1), *stat, *metric, *dims;
    ck_assert(json_object_object_get_ex(q1, "MetricStat", &stat));
    ck_assert(json_object_object_get_ex(stat, "Metric", &metric));
    ck_assert(json_object_object_get_ex(metric, "Dimensions", &dims));
    ck_assert_int_eq(json_object_array_length(dims), 2);
    ck_assert(json_object_object_get_ex(json_object_array_get_idx(dims, 1), "Value", &v));
    ck_assert_str_eq(json_object_get_string(v), "ABCDEFGHIJK");
    ck_assert(json_object_object_get_ex(stat, "Period", &v));
    ck_assert_int_eq(json_object_get_int(v), 60);
    json_object_put(o);
    free(body);
}
END_TEST

START_TEST(cloudwatch_pages_keep_the_newest)
{
    Cw_query q[2];
    Cw_result res[2];
    memset(res, 0, sizeof res);
    Cw_rds_query(&q[0], "a", "CPUUtilization", "x");
    Cw_rds_query(&q[1], "b", "DatabaseConnections", "x");
    char next[64], err[256];
    const char *page1 =
        "{\"MetricDataResults\":[{\"Id\":\"a\",\"Timestamps\":[1200,1140],"
        "\"Values\":[41.5,40],\"StatusCode\":\"PartialData\"}],\"NextToken\":\"p2\"}";
    const char *page2 = "{\"MetricDataResults\":[{\"Id\":\"a\",\"Timestamps\":[1080],\"Values\":"
                        "[38]},{\"Id\":\"b\",\"Timestamps\":[],\"Values\":[],\"StatusCode\":"
                        "\"Complete\"}]}";
    ck_assert_int_eq(Cw_parse_reply(page1, q, 2, res, next, sizeof next, err, sizeof err), 0);
    ck_assert_str_eq(next, "p2");
    ck_assert_int_eq(Cw_parse_reply(page2, q, 2, res, next, sizeof next, err, sizeof err), 0);
    ck_assert_str_eq(next, "");
    ck_assert(res[0].has_value);
    ck_assert_double_eq(res[0].value, 41.5);
    ck_assert_double_eq(res[0].timestamp, 1200);
    ck_assert_int_eq(res[0].points, 3);
    ck_assert(!res[1].has_value);
    ck_assert_str_eq(res[1].status, "Complete");
    ck_assert_int_eq(Cw_parse_reply("{\"MetricDataResults\":[{\"Id\":\"a\",\"Timestamps\":[1],"
                                    "\"Values\":[]}]}",
                                    q, 2, res, next, sizeof next, err, sizeof err),
                     -1);
    ck_assert_int_eq(Cw_parse_reply("<html>", q, 2, res, next, sizeof next, err, sizeof err), -1);
    ck_assert_ptr_nonnull(strstr(err, "MetricDataResults"));
}
END_TEST

START_TEST(dms_task_and_tables)
{
    ck_assert_str_eq(Dms_resource_id(TASK_ARN), "ABCDEFGHIJK");
    Dms_task t;
    char err[256], marker[64];
    const char *reply =
        "{\"ReplicationTasks\":[{\"ReplicationTaskIdentifier\":\"orders-cdc\","
        "\"ReplicationTaskArn\":\"" TASK_ARN "\",\"Status\":\"running\",\"ReplicationInstanceArn\":"
        "\"arn:aws:dms:us-east-1:1:rep:R1\",\"ReplicationTaskStats\":{\"FullLoadProgressPercent\":"
        "100,\"TablesLoaded\":12,\"TablesLoading\":0,\"TablesQueued\":1,\"TablesErrored\":2,"
        "\"FullLoadFinishDate\":1763690460.5}}]}";
    ck_assert_int_eq(Dms_parse_task(reply, &t, err, sizeof err), 0);
    ck_assert_str_eq(t.status, "running");
    ck_assert_str_eq(t.identifier, "orders-cdc");
    ck_assert(t.have_stats);
    ck_assert_int_eq(t.tables_loaded, 12);
    ck_assert_int_eq(t.tables_queued, 1);
    ck_assert_int_eq(t.tables_errored, 2);
    ck_assert_double_eq(t.full_load_finish, 1763690460.5);
    ck_assert_int_eq(Dms_parse_task("{\"ReplicationTasks\":[]}", &t, err, sizeof err), -1);

    Dms_table *tables = NULL;
    size_t n = 0;
    ck_assert_int_eq(
        Dms_parse_tables("{\"TableStatistics\":[{\"SchemaName\":\"shop\",\"TableName\":"
                         "\"orders\",\"Inserts\":5,\"ValidationState\":\"Validated\","
                         "\"TableState\":\"Table completed\"}],\"Marker\":\"1\"}",
                         &tables, &n, marker, sizeof marker, err, sizeof err),
        0);
    ck_assert_str_eq(marker, "1");
    ck_assert_int_eq(
        Dms_parse_tables("{\"TableStatistics\":[{\"SchemaName\":\"shop\",\"TableName\":"
                         "\"pay\",\"ValidationState\":\"Mismatched records\"},"
                         "{\"TableName\":\"x\",\"TableState\":\"Table error\"}]}",
                         &tables, &n, marker, sizeof marker, err, sizeof err),
        0);
    ck_assert_str_eq(marker, "");
    ck_assert_int_eq((int)n, 3);
    ck_assert_double_eq(tables[0].inserts, 5);
    ck_assert(!Dms_table_bad(&tables[0]));
    ck_assert(Dms_table_bad(&tables[1]));
    ck_assert(Dms_table_bad(&tables[2]));
    free(tables);
}
END_TEST

START_TEST(ssm_parameter)
{
    Ssm_parameter p;
    char err[256];
    ck_assert_int_eq(Ssm_parse_get("{\"Parameter\":{\"Name\":\"/a\",\"Type\":\"String\",\"Value\":"
                                   "\"db.example\",\"Version\":7}}",
                                   &p, err, sizeof err),
                     0);
    ck_assert_str_eq(p.value, "db.example");
    ck_assert_str_eq(p.type, "String");
    ck_assert_int_eq(p.version, 7);
    ck_assert_int_eq(Ssm_parse_get("{}", &p, err, sizeof err), -1);
    /* An advanced parameter's 8 KB come back whole; more is refused, not cut. */
    static char body[SSM_VALUE_MAX + 64];
    int n = snprintf(body, sizeof body, "{\"Parameter\":{\"Value\":\"");
    memset(body + n, 'x', SSM_VALUE_MAX);
    snprintf(body + n + SSM_VALUE_MAX, sizeof body - (size_t)n - SSM_VALUE_MAX, "\"}}");
    ck_assert_int_eq(Ssm_parse_get(body, &p, err, sizeof err), 0);
    ck_assert_uint_eq(strlen(p.value), SSM_VALUE_MAX);
    memset(body + n, 'x', SSM_VALUE_MAX + 1);
    snprintf(body + n + SSM_VALUE_MAX + 1, sizeof body - (size_t)n - SSM_VALUE_MAX - 1, "\"}}");
    ck_assert_int_eq(Ssm_parse_get(body, &p, err, sizeof err), -1);
    ck_assert_ptr_nonnull(strstr(err, "over the 8192 AWS allows"));
}
END_TEST

START_TEST(route53_record)
{
    R53_record_id r;
    char err[256], value[128];
    long ttl = 0;
    ck_assert_int_eq(R53_parse_id("/hostedzone/Z123/db.shop.internal", &r, err, sizeof err), 0);
    ck_assert_str_eq(r.zone, "Z123");
    ck_assert_str_eq(r.name, "db.shop.internal.");
    ck_assert_int_eq(R53_parse_id("Z123/db.x.", &r, err, sizeof err), 0);
    ck_assert_str_eq(r.name, "db.x.");
    ck_assert_int_eq(R53_parse_id("db.shop.internal", &r, err, sizeof err), -1);
    ck_assert_ptr_nonnull(strstr(err, "ZONE_ID/record.name"));
    char *body = R53_upsert_body("db.x.", "a&b.example", 5);
    ck_assert_ptr_nonnull(strstr(body, "<Action>UPSERT</Action>"));
    ck_assert_ptr_nonnull(strstr(body, "<Type>CNAME</Type><TTL>5</TTL>"));
    ck_assert_ptr_nonnull(strstr(body, "<Value>a&amp;b.example</Value>"));
    free(body);
    const char *list = "<ListResourceRecordSetsResponse><ResourceRecordSets><ResourceRecordSet>"
                       "<Name>other.x.</Name><Type>CNAME</Type><TTL>1</TTL><ResourceRecords>"
                       "<ResourceRecord><Value>no</Value></ResourceRecord></ResourceRecords>"
                       "</ResourceRecordSet><ResourceRecordSet><Name>DB.x.</Name><Type>CNAME"
                       "</Type><TTL>300</TTL><ResourceRecords><ResourceRecord><Value>src.rds"
                       "</Value></ResourceRecord></ResourceRecords></ResourceRecordSet>"
                       "</ResourceRecordSets></ListResourceRecordSetsResponse>";
    ck_assert_int_eq(R53_parse_list(list, "db.x", value, sizeof value, &ttl, err, sizeof err), 1);
    ck_assert_str_eq(value, "src.rds");
    ck_assert_int_eq(ttl, 300);
    ck_assert_int_eq(R53_parse_list(list, "none.x.", value, sizeof value, &ttl, err, sizeof err),
                     0);
    const char *weighted = "<ResourceRecordSets><ResourceRecordSet><Name>db.x.</Name><Type>CNAME"
                           "</Type><SetIdentifier>blue</SetIdentifier><Weight>90</Weight><TTL>5"
                           "</TTL><ResourceRecords><ResourceRecord><Value>src</Value>"
                           "</ResourceRecord></ResourceRecords></ResourceRecordSet>"
                           "</ResourceRecordSets>";
    ck_assert_int_eq(R53_parse_list(weighted, "db.x.", value, sizeof value, &ttl, err, sizeof err),
                     -1);
    ck_assert_ptr_nonnull(strstr(err, "is a weighted CNAME record (SetIdentifier blue)"));
    const char *alias = "<ResourceRecordSets><ResourceRecordSet><Name>db.x.</Name><Type>A</Type>"
                        "<AliasTarget><HostedZoneId>Z1</HostedZoneId><DNSName>nlb.elb.aws."
                        "</DNSName><EvaluateTargetHealth>false</EvaluateTargetHealth>"
                        "</AliasTarget></ResourceRecordSet></ResourceRecordSets>";
    ck_assert_int_eq(R53_parse_list(alias, "db.x.", value, sizeof value, &ttl, err, sizeof err),
                     -1);
    ck_assert_ptr_nonnull(strstr(err, "is an alias A record (to nlb.elb.aws.)"));
}
END_TEST

START_TEST(rds_parameter_group)
{
    char *body = Rds_modify_body("shop-source-params", "read_only", "1", "immediate");
    ck_assert_str_eq(body, "Action=ModifyDBParameterGroup&Version=2014-10-31&DBParameterGroupName="
                           "shop-source-params&Parameters.Parameter.1.ParameterName=read_only&"
                           "Parameters.Parameter.1.ParameterValue=1&Parameters.Parameter.1."
                           "ApplyMethod=immediate");
    free(body);
    char value[16], marker[32];
    const char *reply = "<DescribeDBParametersResponse><DescribeDBParametersResult><Parameters>"
                        "<Parameter><ParameterName>binlog_format</ParameterName><ParameterValue>"
                        "ROW</ParameterValue></Parameter><Parameter><ParameterName>read_only"
                        "</ParameterName><ParameterValue>1</ParameterValue></Parameter>"
                        "</Parameters><Marker>m2</Marker></DescribeDBParametersResult>"
                        "</DescribeDBParametersResponse>";
    ck_assert_int_eq(
        Rds_parse_parameter(reply, "read_only", value, sizeof value, marker, sizeof marker), 1);
    ck_assert_str_eq(value, "1");
    ck_assert_str_eq(marker, "m2");
    ck_assert_int_eq(
        Rds_parse_parameter(reply, "max_connections", value, sizeof value, marker, sizeof marker),
        0);
}
END_TEST

/* Two instances of a page, as RDS sends them: the listener endpoint and the
 * read replica's identifiers must not be taken for the instance's own. */
START_TEST(rds_instances_parsed)
{
    const char *reply =
        "<DescribeDBInstancesResponse xmlns=\"http://rds.amazonaws.com/doc/2014-10-31/\">"
        "<DescribeDBInstancesResult><DBInstances>"
        "<DBInstance><ReadReplicaSourceDBInstanceIdentifier>x</"
        "ReadReplicaSourceDBInstanceIdentifier>"
        "<DBInstanceIdentifier>shop-source</DBInstanceIdentifier>"
        "<DBInstanceStatus>available</DBInstanceStatus>"
        "<ListenerEndpoint><Address>listener.example</Address><Port>1</Port></ListenerEndpoint>"
        "<Endpoint><Address>shop-source.abc.rds.amazonaws.com</Address><Port>3306</Port>"
        "</Endpoint><BackupRetentionPeriod>7</BackupRetentionPeriod>"
        "<DBParameterGroups><DBParameterGroup><DBParameterGroupName>shop-params"
        "</DBParameterGroupName><ParameterApplyStatus>pending-reboot</ParameterApplyStatus>"
        "</DBParameterGroup></DBParameterGroups><MultiAZ>true</MultiAZ></DBInstance>"
        "<DBInstance><DBInstanceIdentifier>other</DBInstanceIdentifier>"
        "<DBInstanceStatus>modifying</DBInstanceStatus>"
        "<BackupRetentionPeriod>0</BackupRetentionPeriod><MultiAZ>false</MultiAZ></DBInstance>"
        "</DBInstances><Marker>page2</Marker></DescribeDBInstancesResult>"
        "</DescribeDBInstancesResponse>";
    Rds_instance i;
    char marker[32];
    const char *cursor = NULL;
    ck_assert_int_eq(Rds_parse_instance(reply, &cursor, &i, marker, sizeof marker), 1);
    ck_assert_str_eq(marker, "page2");
    ck_assert_str_eq(i.id, "shop-source");
    ck_assert_str_eq(i.status, "available");
    ck_assert_str_eq(i.address, "shop-source.abc.rds.amazonaws.com");
    ck_assert_int_eq(i.port, 3306);
    ck_assert_str_eq(i.parameter_group, "shop-params");
    ck_assert_str_eq(i.parameter_apply, "pending-reboot");
    ck_assert_int_eq(i.backup_retention_days, 7);
    ck_assert(i.multi_az);
    ck_assert_int_eq(Rds_parse_instance(reply, &cursor, &i, marker, sizeof marker), 1);
    ck_assert_str_eq(i.id, "other");
    ck_assert_str_eq(i.address, "");
    ck_assert_int_eq(i.backup_retention_days, 0);
    ck_assert(!i.multi_az);
    ck_assert_int_eq(Rds_parse_instance(reply, &cursor, &i, marker, sizeof marker), 0);
}
END_TEST

/* The mappings come only with the settings: a reply without them says so. */
START_TEST(dms_task_mappings_parsed)
{
    char err[200], *m = NULL;
    ck_assert_int_eq(Dms_parse_task_mappings("{\"ReplicationTasks\": [{\"Status\": \"running\", "
                                             "\"TableMappings\": \"{\\\"rules\\\": []}\"}]}",
                                             &m, err, sizeof err),
                     0);
    ck_assert_str_eq(m, "{\"rules\": []}");
    free(m);
    ck_assert_int_eq(Dms_parse_task_mappings("{\"ReplicationTasks\": [{\"Status\": \"running\"}]}",
                                             &m, err, sizeof err),
                     -1);
    ck_assert_ptr_null(m);
    ck_assert_str_eq(err, "DMS reply: the task has no TableMappings");
    ck_assert_int_eq(Dms_parse_task_mappings("{}", &m, err, sizeof err), -1);
    ck_assert_str_eq(err, "DMS reply: no ReplicationTasks");
}
END_TEST

int main(void)
{
    Suite *s = suite_create("aws_services");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, cloudwatch_request_batches_every_query);
    tcase_add_test(tc, dms_task_mappings_parsed);
    tcase_add_test(tc, cloudwatch_pages_keep_the_newest);
    tcase_add_test(tc, dms_task_and_tables);
    tcase_add_test(tc, ssm_parameter);
    tcase_add_test(tc, route53_record);
    tcase_add_test(tc, rds_parameter_group);
    tcase_add_test(tc, rds_instances_parsed);
    suite_add_tcase(s, tc);
    return Unit_run(s);
}
