using System;
using System.Linq;
using CallRecordingAdmin.Engine.Directories;
using CallRecordingAdmin.Engine.Policy;
using CallRecordingAdmin.Graph;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using Xunit;

namespace Graph.Tests
{
    public class GraphAdapterTests
    {
        [Fact]
        public void Transitive_members_come_from_every_page_with_the_token_and_the_fields_asked()
        {
            using (var g = new GraphMockServer())
            {
                g.GroupOfFive();
                var users = g.Connection.Directory.GetTransitiveGroupUsers(GraphMockServer.Group).ToList();
                Assert.Equal(new[] { "ada@uni.test", "bo@uni.test", "cy@uni.test", "di@uni.test", "ed@uni.test" }, users.Select(u => u.UserPrincipalName));
                Assert.False(users.Single(u => u.ObjectId == "u-4").AccountEnabled);
                var first = g.Server.LogEntries.First(e => e.RequestMessage.Path.EndsWith("/graph.user"));
                Assert.Equal("Bearer " + GraphMockServer.Token, first.RequestMessage.Headers["Authorization"].Single());
                Assert.Contains("accountEnabled", Uri.UnescapeDataString(first.RequestMessage.Url));
                Assert.Equal(1, g.Requests("/v1.0/page/members-3"));
            }
        }

        [Fact]
        public void A_next_link_to_another_host_gets_no_token()
        {
            using (var g = new GraphMockServer())
            using (var other = WireMock.Server.WireMockServer.Start())
            {
                g.Json("GET", "/v1.0/groups/" + GraphMockServer.Group + "/transitiveMembers/graph.user", 200,
                    "{\"value\":[" + GraphMockServer.User("u-1", "ada@uni.test", "Ada") + "],\"@odata.nextLink\":\"" + other.Url + "/v1.0/page/2\"}");
                other.Given(Request.Create().WithPath("/v1.0/page/2")).RespondWith(Response.Create().WithHeader("Content-Type", "application/json").WithBody("{\"value\":[]}"));
                g.Connection.Directory.GetTransitiveGroupUsers(GraphMockServer.Group).ToList();
                Assert.Equal("Bearer " + GraphMockServer.Token, g.Server.LogEntries.Single().RequestMessage.Headers["Authorization"].Single());
                Assert.Contains("localhost", other.Url); // another host name than the endpoint's 127.0.0.1
                var foreign = other.LogEntries.Single().RequestMessage;
                Assert.True(foreign.Headers == null || !foreign.Headers.ContainsKey("Authorization"), "the token went to " + other.Url);
            }
        }

        [Fact]
        public void A_next_link_to_another_port_of_the_same_host_gets_no_token()
        {
            using (var g = new GraphMockServer())
            using (var other = new GraphMockServer())
            {
                g.Json("GET", "/v1.0/groups/" + GraphMockServer.Group + "/transitiveMembers/graph.user", 200,
                    "{\"value\":[],\"@odata.nextLink\":\"" + other.V1 + "/page/2\"}");
                other.Json("GET", "/v1.0/page/2", 200, "{\"value\":[]}");
                g.Connection.Directory.GetTransitiveGroupUsers(GraphMockServer.Group).ToList();
                var foreign = other.Server.LogEntries.Single().RequestMessage;
                Assert.True(foreign.Headers == null || !foreign.Headers.ContainsKey("Authorization"), "the token went to " + other.Url);
            }
        }

        [Fact]
        public void A_429_is_retried_after_its_Retry_After_and_then_succeeds()
        {
            using (var g = new GraphMockServer())
            {
                var path = "/v1.0/groups/" + GraphMockServer.Group + "/transitiveMembers/graph.user";
                g.Server.Given(Request.Create().WithPath(path)).InScenario("throttle").WillSetStateTo("served")
                    .RespondWith(Response.Create().WithStatusCode(429).WithHeader("Retry-After", "1").WithHeader("Content-Type", "application/json")
                        .WithBody("{\"error\":{\"code\":\"TooManyRequests\",\"message\":\"Throttled\"}}"));
                g.Server.Given(Request.Create().WithPath(path)).InScenario("throttle").WhenStateIs("served")
                    .RespondWith(Response.Create().WithHeader("Content-Type", "application/json").WithBody("{\"value\":[" + GraphMockServer.User("u-1", "ada@uni.test", "Ada") + "]}"));
                var started = DateTime.UtcNow;
                var users = g.Connection.Directory.GetTransitiveGroupUsers(GraphMockServer.Group).ToList();
                Assert.Single(users);
                Assert.Equal(2, g.Requests(path));
                var times = g.Server.LogEntries.Where(e => e.RequestMessage.Path == path).Select(e => e.RequestMessage.DateTime).OrderBy(t => t).ToList();
                Assert.True(times[1] - times[0] >= TimeSpan.FromSeconds(0.9), "the retry waited for Retry-After");
            }
        }

        [Fact]
        public void A_403_names_the_missing_permission()
        {
            using (var g = new GraphMockServer())
            {
                g.Json("GET", "/v1.0/groups/" + GraphMockServer.Group + "/transitiveMembers/graph.user", 403,
                    "{\"error\":{\"code\":\"Authorization_RequestDenied\",\"message\":\"Insufficient privileges to complete the operation.\"}}");
                g.Json("GET", "/v1.0/communications/callRecords", 403, "{\"error\":{\"code\":\"Forbidden\",\"message\":\"No\"}}");
                var e = Assert.Throws<PolicyException>(() => g.Connection.Directory.GetTransitiveGroupUsers(GraphMockServer.Group).ToList());
                Assert.Equal("GraphPermissionMissing", e.ErrorId);
                Assert.Equal(FailureKind.PermissionDenied, e.Kind);
                Assert.Contains("GroupMember.Read.All", e.Message);
                var c = Assert.Throws<PolicyException>(() => g.Connection.Directory.GetCallRecords(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow).ToList());
                Assert.Contains("CallRecords.Read.All", c.Message);
            }
        }

        [Fact]
        public void SendMail_reports_each_recipient_accepted_or_refused()
        {
            using (var g = new GraphMockServer())
            {
                g.Server.Given(Request.Create().WithPath("/v1.0/users/crs@uni.test/sendMail").UsingPost()).AtPriority(10).RespondWith(Response.Create().WithStatusCode(202));
                g.Server.Given(Request.Create().WithPath("/v1.0/users/crs@uni.test/sendMail").UsingPost().WithBody(new WireMock.Matchers.WildcardMatcher("*nobody@uni.test*"))).AtPriority(1)
                    .RespondWith(Response.Create().WithStatusCode(400).WithHeader("Content-Type", "application/json")
                        .WithBody("{\"error\":{\"code\":\"ErrorInvalidRecipients\",\"message\":\"At least one recipient is not valid.\"}}"));
                g.Server.Given(Request.Create().WithPath("/v1.0/users/other@uni.test/sendMail").UsingPost()).RespondWith(Response.Create().WithStatusCode(403)
                    .WithHeader("Content-Type", "application/json").WithBody("{\"error\":{\"code\":\"ErrorAccessDenied\",\"message\":\"Access is denied.\"}}"));
                var results = g.Connection.Mailer.Send(new[]
                {
                    new MailMessage { From = "crs@uni.test", To = "dpo@uni.test", Subject = "S", Body = "B" },
                    new MailMessage { From = "crs@uni.test", To = "nobody@uni.test", Subject = "S", Body = "B" },
                    new MailMessage { From = "other@uni.test", To = "dpo@uni.test", Subject = "S", Body = "B" },
                });
                Assert.True(results[0].Accepted);
                Assert.False(results[1].Accepted);
                Assert.Equal("GraphRequestFailed", results[1].ErrorId);
                Assert.Contains("ErrorInvalidRecipients", results[1].Message);
                Assert.False(results[2].Accepted);
                Assert.Equal("GraphPermissionMissing", results[2].ErrorId);
                Assert.Contains("Mail.Send", results[2].Message);
                var sent = g.Server.LogEntries.First(e => e.RequestMessage.Path == "/v1.0/users/crs@uni.test/sendMail").RequestMessage.Body;
                Assert.Contains("\"address\":\"dpo@uni.test\"", sent);
                Assert.Contains("\"contentType\":\"text\"", sent);
            }
        }

        [Fact]
        public void Call_records_and_PSTN_logs_carry_their_parties()
        {
            using (var g = new GraphMockServer())
            {
                g.Json("GET", "/v1.0/communications/callRecords", 200,
                    "{\"value\":[{\"id\":\"call-1\",\"startDateTime\":\"2026-11-27T10:00:00Z\",\"endDateTime\":\"2026-11-27T10:05:00Z\",\"type\":\"peerToPeer\"," +
                    "\"organizer\":{\"user\":{\"id\":\"u-1\",\"displayName\":\"Ada\"}}," +
                    "\"participants\":[{\"user\":{\"id\":\"u-1\",\"displayName\":\"Ada\"}},{\"@odata.type\":\"#microsoft.graph.communicationsIdentitySet\",\"phone\":{\"id\":\"+447700900123\",\"displayName\":\"External\"}}]}]," +
                    "\"@odata.nextLink\":\"" + g.V1 + "/page/calls-2\"}");
                g.Json("GET", "/v1.0/page/calls-2", 200, "{\"value\":[{\"id\":\"call-2\",\"startDateTime\":\"2026-11-27T11:00:00Z\",\"participants\":[{\"user\":{\"id\":\"u-2\",\"displayName\":\"Bo\"}}]}]}");
                var calls = g.Connection.Directory.GetCallRecords(new DateTimeOffset(2026, 11, 27, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 11, 28, 0, 0, 0, TimeSpan.Zero)).ToList();
                Assert.Equal(new[] { "call-1", "call-2" }, calls.Select(c => c.CallId));
                Assert.Contains(calls[0].Participants, p => p.Role == "Organizer" && p.UserId == "u-1");
                Assert.Contains(calls[0].Participants, p => p.PhoneNumber == "+447700900123");
                var filter = Uri.UnescapeDataString(g.Server.LogEntries.First(e => e.RequestMessage.Path == "/v1.0/communications/callRecords").RequestMessage.Url);
                Assert.Contains("startDateTime ge 2026-11-27T00:00:00Z and startDateTime lt 2026-11-28T00:00:00Z", filter.Replace('+', ' '));

                g.Server.Given(Request.Create().WithPath(new WireMock.Matchers.WildcardMatcher("/v1.0/communications/callRecords/*getPstnCalls*"))).RespondWith(Response.Create()
                    .WithHeader("Content-Type", "application/json").WithBody("{\"value\":[{\"id\":\"p-1\",\"callId\":\"pstn-1\",\"userPrincipalName\":\"bo@uni.test\",\"userDisplayName\":\"Bo\"," +
                    "\"startDateTime\":\"2026-11-27T12:00:00Z\",\"callerNumber\":\"+447700900555\",\"calleeNumber\":\"+441234567890\",\"callType\":\"user_in\"}]}"));
                g.Server.Given(Request.Create().WithPath(new WireMock.Matchers.WildcardMatcher("/v1.0/communications/callRecords/*getDirectRoutingCalls*"))).RespondWith(Response.Create()
                    .WithHeader("Content-Type", "application/json").WithBody("{\"value\":[]}"));
                var pstn = g.Connection.Directory.GetPstnCalls(new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 11, 28, 0, 0, 0, TimeSpan.Zero)).Single();
                Assert.Equal("pstn-1", pstn.CallId);
                Assert.Equal(DirectoryCallSource.PstnCall, pstn.Source);
                Assert.Contains(pstn.Participants, p => p.Role == "Caller" && p.PhoneNumber == "+447700900555");
                Assert.Contains(pstn.Participants, p => p.UserPrincipalName == "bo@uni.test");
            }
        }

        [Fact]
        public void Accounts_are_enabled_disabled_deleted_or_not_found()
        {
            using (var g = new GraphMockServer())
            {
                var deletedId = "6a1b0c4e-0000-4000-8000-00000000000d";
                var goneId = "6a1b0c4e-0000-4000-8000-00000000000e";
                g.Json("GET", "/v1.0/users/ada@uni.test", 200, GraphMockServer.User("u-1", "ada@uni.test", "Ada"));
                g.Json("GET", "/v1.0/users/di@uni.test", 200, GraphMockServer.User("u-4", "di@uni.test", "Di", false));
                var notFound = "{\"error\":{\"code\":\"Request_ResourceNotFound\",\"message\":\"Resource does not exist.\"}}";
                g.Json("GET", "/v1.0/users/" + deletedId, 404, notFound);
                g.Json("GET", "/v1.0/users/" + goneId, 404, notFound);
                g.Json("GET", "/v1.0/users/zed@uni.test", 404, notFound);
                g.Json("GET", "/v1.0/directory/deletedItems/" + deletedId, 200, GraphMockServer.User(deletedId, deletedId.Replace("-", "") + "fe@uni.test", "Fe"));
                g.Json("GET", "/v1.0/directory/deletedItems/" + goneId, 404, notFound);
                var d = g.Connection.Directory;
                Assert.Equal(AccountState.Enabled, d.GetAccount("ada@uni.test").State);
                Assert.Equal(AccountState.Disabled, d.GetAccount("di@uni.test").State);
                Assert.Equal(AccountState.Deleted, d.GetAccount(deletedId).State);
                Assert.Equal(AccountState.NotFound, d.GetAccount(goneId).State);
                Assert.Equal(AccountState.NotFound, d.GetAccount("zed@uni.test").State);
            }
        }

        [Fact]
        public void An_unreachable_endpoint_is_DirectoryUnavailable_and_plain_http_elsewhere_is_refused()
        {
            var port = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
            port.Start();
            var url = "http://127.0.0.1:" + ((System.Net.IPEndPoint)port.LocalEndpoint).Port;
            port.Stop();
            using (var c = GraphConnection.Connect(new GraphConnectOptions { SignIn = GraphSignIn.AccessToken, AccessToken = GraphMockServer.Secure("t"), Endpoint = new Uri(url) }))
            {
                var e = Assert.Throws<PolicyException>(() => c.Directory.GetTransitiveGroupUsers("g").ToList());
                Assert.Equal("DirectoryUnavailable", e.ErrorId);
            }
            var refused = Assert.Throws<PolicyException>(() => GraphConnection.Connect(new GraphConnectOptions
            {
                SignIn = GraphSignIn.AccessToken, AccessToken = GraphMockServer.Secure("t"), Endpoint = new Uri("http://graph.example.org"),
            }));
            Assert.Equal("GraphEndpointInvalid", refused.ErrorId);
        }

        [Fact]
        public void Sign_in_parameters_follow_the_engines_text_rule()
        {
            GraphConnectOptions Secret(string tenant, string client) => new GraphConnectOptions
            {
                SignIn = GraphSignIn.ClientSecret, TenantId = tenant, ClientId = client, ClientSecret = GraphMockServer.Secure("s"), Endpoint = new Uri("https://graph.microsoft.com"),
            };
            Assert.Equal("GraphParameterRequired", Assert.Throws<PolicyException>(() => GraphConnection.Connect(Secret("  ", "app"))).ErrorId);
            // a line break (log forging) and a right-to-left override are refused as they are everywhere else in the module
            var forged = Assert.Throws<PolicyException>(() => GraphConnection.Connect(Secret("contoso\nTenant verified", "app")));
            Assert.Equal("TextInvalid", forged.ErrorId);
            Assert.Contains("-TenantId", forged.Message);
            Assert.Equal("TextInvalid", Assert.Throws<PolicyException>(() => GraphConnection.Connect(Secret("contoso", "app\u202E"))).ErrorId);
            Assert.Equal("TextInvalid", Assert.Throws<PolicyException>(() => GraphConnection.Connect(Secret(new string('a', 257), "app"))).ErrorId);
            using (var c = GraphConnection.Connect(Secret("  contoso.onmicrosoft.com ", " 00000000-0000-0000-0000-000000000001")))
            {
                Assert.Equal("ClientSecret", c.SignIn); // padded values are trimmed and accepted
            }
        }

        [Fact]
        public void National_cloud_endpoints_sign_in_at_their_own_authority()
        {
            Assert.Equal(Azure.Identity.AzureAuthorityHosts.AzureGovernment, GraphConnection.AuthorityFor(new Uri("https://graph.microsoft.us")));
            Assert.Equal(Azure.Identity.AzureAuthorityHosts.AzureChina, GraphConnection.AuthorityFor(new Uri("https://microsoftgraph.chinacloudapi.cn")));
            Assert.Equal(Azure.Identity.AzureAuthorityHosts.AzurePublicCloud, GraphConnection.AuthorityFor(new Uri("https://graph.microsoft.com")));
        }
    }
}
