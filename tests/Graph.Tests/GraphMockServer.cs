using System;
using System.Linq;
using System.Net;
using System.Security;
using CallRecordingAdmin.Graph;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Settings;

namespace Graph.Tests
{
    /// <summary>A WireMock.Net server on 127.0.0.1 answering like Microsoft Graph v1.0, and a real GraphServiceClient connected to it with a static token.</summary>
    public sealed class GraphMockServer : IDisposable
    {
        public const string Token = "test-token-7f3c1e9a";
        public const string Group = "5d1c0c4e-0000-4000-8000-000000000001";

        public GraphMockServer()
        {
            var port = FreePort();
            Server = WireMockServer.Start(new WireMockServerSettings { Urls = new[] { "http://127.0.0.1:" + port } });
            Url = "http://127.0.0.1:" + port; // WireMock reports its address as localhost; Graph is addressed by the IP it listens on
            Connection = GraphConnection.Connect(new GraphConnectOptions { SignIn = GraphSignIn.AccessToken, AccessToken = Secure(Token), Endpoint = new Uri(Url) });
        }

        public WireMockServer Server { get; }
        public GraphConnection Connection { get; }
        public string Url { get; }
        public string V1 => Url + "/v1.0";

        public static SecureString Secure(string s)
        {
            var secure = new SecureString();
            foreach (var ch in s) secure.AppendChar(ch);
            return secure;
        }

        private static int FreePort()
        {
            var l = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
            l.Start();
            var port = ((IPEndPoint)l.LocalEndpoint).Port;
            l.Stop();
            return port;
        }

        public void Json(string method, string path, int status, string body, int priority = 10)
        {
            Server.Given(Request.Create().WithPath(path).UsingMethod(method)).AtPriority(priority)
                .RespondWith(Response.Create().WithStatusCode(status).WithHeader("Content-Type", "application/json").WithBody(body));
        }

        public static string User(string id, string upn, string name, bool enabled = true) =>
            "{\"@odata.type\":\"#microsoft.graph.user\",\"id\":\"" + id + "\",\"userPrincipalName\":\"" + upn + "\",\"mail\":\"" + upn + "\",\"displayName\":\"" + name + "\",\"accountEnabled\":" + (enabled ? "true" : "false") + "}";

        /// <summary>The group's users over three pages: direct members and the members of two nested groups (Graph flattens them in transitiveMembers).</summary>
        public void GroupOfFive(string group = Group)
        {
            Json("GET", "/v1.0/groups/" + group + "/transitiveMembers/graph.user", 200,
                "{\"value\":[" + User("u-1", "ada@uni.test", "Ada") + "," + User("u-2", "bo@uni.test", "Bo") + "],\"@odata.nextLink\":\"" + V1 + "/page/members-2\"}");
            Json("GET", "/v1.0/page/members-2", 200,
                "{\"value\":[" + User("u-3", "cy@uni.test", "Cy (nested: Supervisors)") + "," + User("u-4", "di@uni.test", "Di (nested: Night shift)", false) + "],\"@odata.nextLink\":\"" + V1 + "/page/members-3\"}");
            Json("GET", "/v1.0/page/members-3", 200, "{\"value\":[" + User("u-5", "ed@uni.test", "Ed (nested twice)") + "]}");
        }

        public int Requests(string path) => Server.LogEntries.Count(e => e.RequestMessage.Path == path);

        public void Dispose()
        {
            Connection.Dispose();
            Server.Stop();
            Server.Dispose();
        }
    }
}
