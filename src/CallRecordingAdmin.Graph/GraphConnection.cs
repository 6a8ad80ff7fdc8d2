using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.InteropServices;
using System.Security;
using System.Security.Cryptography.X509Certificates;
using System.Threading;
using System.Threading.Tasks;
using Azure.Core;
using Azure.Identity;
using CallRecordingAdmin.Engine.Directories;
using CallRecordingAdmin.Engine.Policy;
using Microsoft.Graph;
using Microsoft.Kiota.Abstractions;
using Microsoft.Kiota.Abstractions.Authentication;
using Microsoft.Kiota.Authentication.Azure;

namespace CallRecordingAdmin.Graph
{
    /// <summary>How Connect-RecordingGraph signs in.</summary>
    public enum GraphSignIn { CertificatePath, CertificateThumbprint, ClientSecret, ManagedIdentity, DeviceCode, AccessToken }

    /// <summary>What Connect-RecordingGraph was given. Secrets stay SecureStrings until the moment a credential needs them.</summary>
    public sealed class GraphConnectOptions
    {
        public string TenantId { get; set; }
        public string ClientId { get; set; }
        public GraphSignIn SignIn { get; set; }
        public string CertificatePath { get; set; }
        public SecureString CertificatePassword { get; set; }
        public string CertificateThumbprint { get; set; }
        public SecureString ClientSecret { get; set; }
        public SecureString AccessToken { get; set; }
        /// <summary>The Graph endpoint: https://graph.microsoft.com (default), a national cloud's, or a local test server.</summary>
        public Uri Endpoint { get; set; }
        /// <summary>Shows the device-code prompt to the person signing in.</summary>
        public Action<string> DeviceCodePrompt { get; set; }
    }

    /// <summary>
    /// A Microsoft Graph connection: the directory and the mailer over one GraphServiceClient (with the SDK's
    /// default handlers: retry on 429/503 honouring Retry-After, redirects, compression). Nothing of Graph or
    /// Azure leaves this assembly: callers see the engine's <see cref="IDirectory"/> and <see cref="IMailer"/>.
    /// </summary>
    public sealed class GraphConnection : IDisposable
    {
        public static readonly Uri DefaultEndpoint = new Uri("https://graph.microsoft.com");

        private GraphConnection(GraphServiceClient client, GraphConnectOptions options, string baseUrl)
        {
            var api = new GraphApi(client);
            Directory = new GraphDirectory(api);
            Mailer = new GraphMailer(api);
            TenantId = options.TenantId ?? "";
            ClientId = options.ClientId ?? "";
            SignIn = options.SignIn.ToString();
            Endpoint = baseUrl;
            _client = client;
        }

        private readonly GraphServiceClient _client;
        public IDirectory Directory { get; }
        public IMailer Mailer { get; }
        public string TenantId { get; }
        public string ClientId { get; }
        public string SignIn { get; }
        /// <summary>The API root requests go to, e.g. https://graph.microsoft.com/v1.0.</summary>
        public string Endpoint { get; }

        public static GraphConnection Connect(GraphConnectOptions options)
        {
            if (options == null) throw new ArgumentNullException(nameof(options));
            var endpoint = options.Endpoint ?? DefaultEndpoint;
            if (!endpoint.IsAbsoluteUri || (endpoint.Scheme != "https" && !endpoint.IsLoopback))
            {
                throw new PolicyException("GraphEndpointInvalid", FailureKind.InvalidArgument,
                    "-Endpoint must be an https address (http is accepted only for a test server on this machine): '" + endpoint + "'.", endpoint.ToString());
            }
            var root = endpoint.GetLeftPart(UriPartial.Authority);
            var path = endpoint.AbsolutePath.TrimEnd('/');
            var baseUrl = root + (path.Length == 0 ? "/v1.0" : path);
            var allowedHosts = new[] { endpoint.Host };
            IAuthenticationProvider auth;
            if (options.SignIn == GraphSignIn.AccessToken)
            {
                if (options.AccessToken == null || options.AccessToken.Length == 0)
                {
                    throw new PolicyException("GraphTokenRequired", FailureKind.InvalidArgument, "-AccessToken is empty.", null);
                }
                auth = new BaseBearerTokenAuthenticationProvider(new StaticTokenProvider(options.AccessToken.Copy(), allowedHosts));
            }
            else
            {
                var credential = Credential(options, AuthorityFor(endpoint));
                auth = new AzureIdentityAuthenticationProvider(credential, allowedHosts, null, true, new[] { root + "/.default" });
            }
            var handlers = GraphClientFactory.CreateDefaultHandlers();
            handlers.Add(new TokenStaysHomeHandler(endpoint));
            var client = new GraphServiceClient(GraphClientFactory.Create(handlers), auth, baseUrl);
            return new GraphConnection(client, options, baseUrl);
        }

        /// <summary>The sign-in authority of a national cloud's Graph endpoint (public cloud otherwise).</summary>
        internal static Uri AuthorityFor(Uri endpoint)
        {
            var host = endpoint.Host.ToLowerInvariant();
            if (host == "graph.microsoft.us" || host == "dod-graph.microsoft.us") return AzureAuthorityHosts.AzureGovernment;
            if (host == "microsoftgraph.chinacloudapi.cn") return AzureAuthorityHosts.AzureChina;
            return AzureAuthorityHosts.AzurePublicCloud;
        }

        private static TokenCredential Credential(GraphConnectOptions o, Uri authority)
        {
            // The engine's text rule: required, trimmed, within its limits, no control or bidirectional characters (TextInvalid).
            string Given(string value, string name) =>
                Text.Required(value, "GraphParameterRequired", "-" + name + " is required for this way of signing in.", null, name == "CertificatePath" ? Text.ReasonMax : Text.NameMax, "-" + name);
            switch (o.SignIn)
            {
                case GraphSignIn.CertificatePath:
                {
                    X509Certificate2 cert;
                    try
                    {
                        cert = o.CertificatePassword == null
                            ? new X509Certificate2(Given(o.CertificatePath, "CertificatePath"))
                            : new X509Certificate2(Given(o.CertificatePath, "CertificatePath"), o.CertificatePassword);
                    }
                    catch (Exception e) when (e is System.Security.Cryptography.CryptographicException || e is System.IO.IOException)
                    {
                        throw new PolicyException("GraphCertificateUnreadable", FailureKind.ReadError,
                            "The certificate at '" + o.CertificatePath + "' could not be read (wrong password, or not a PFX/PEM with its private key).", o.CertificatePath);
                    }
                    return new ClientCertificateCredential(Given(o.TenantId, "TenantId"), Given(o.ClientId, "ClientId"), cert, new ClientCertificateCredentialOptions { AuthorityHost = authority });
                }
                case GraphSignIn.CertificateThumbprint:
                {
                    var thumbprint = Given(o.CertificateThumbprint, "CertificateThumbprint").Replace(" ", "");
                    foreach (var location in new[] { StoreLocation.CurrentUser, StoreLocation.LocalMachine })
                    {
                        using (var store = new X509Store(StoreName.My, location))
                        {
                            try { store.Open(OpenFlags.ReadOnly); } catch (Exception) { continue; }
                            var found = store.Certificates.Find(X509FindType.FindByThumbprint, thumbprint, false);
                            if (found.Count > 0)
                                return new ClientCertificateCredential(Given(o.TenantId, "TenantId"), Given(o.ClientId, "ClientId"), found[0], new ClientCertificateCredentialOptions { AuthorityHost = authority });
                        }
                    }
                    throw new PolicyException("GraphCertificateNotFound", FailureKind.ObjectNotFound,
                        "No certificate with thumbprint " + thumbprint + " is in the CurrentUser or LocalMachine 'My' store.", thumbprint);
                }
                case GraphSignIn.ClientSecret:
                    if (o.ClientSecret == null || o.ClientSecret.Length == 0) throw new PolicyException("GraphParameterRequired", FailureKind.InvalidArgument, "-ClientSecret is empty.", null);
                    return new ClientSecretCredential(Given(o.TenantId, "TenantId"), Given(o.ClientId, "ClientId"), Plain(o.ClientSecret), new ClientSecretCredentialOptions { AuthorityHost = authority });
                case GraphSignIn.ManagedIdentity:
                    return string.IsNullOrWhiteSpace(o.ClientId)
                        ? new ManagedIdentityCredential(ManagedIdentityId.SystemAssigned)
                        : new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(Text.Optional(o.ClientId, "-ClientId", Text.NameMax)));
                case GraphSignIn.DeviceCode:
                    return new DeviceCodeCredential(new DeviceCodeCredentialOptions
                    {
                        TenantId = Given(o.TenantId, "TenantId"), ClientId = Given(o.ClientId, "ClientId"), AuthorityHost = authority,
                        DeviceCodeCallback = (info, ct) => { o.DeviceCodePrompt?.Invoke(info.Message); return Task.CompletedTask; },
                    });
                default:
                    throw new ArgumentOutOfRangeException(nameof(o.SignIn));
            }
        }

        internal static string Plain(SecureString secure)
        {
            var ptr = IntPtr.Zero;
            try
            {
                ptr = Marshal.SecureStringToGlobalAllocUnicode(secure);
                return Marshal.PtrToStringUni(ptr);
            }
            finally
            {
                if (ptr != IntPtr.Zero) Marshal.ZeroFreeGlobalAllocUnicode(ptr);
            }
        }

        public void Dispose() => _client.Dispose();

        /// <summary>
        /// The last handler before the wire: a request to any origin (scheme, host and port) but the endpoint's loses
        /// its Authorization header. The SDK's allowed-host check compares host names only, so a next link to another
        /// port of the same host would get the token (a test showed it); Graph itself never pages to another origin.
        /// </summary>
        private sealed class TokenStaysHomeHandler : System.Net.Http.DelegatingHandler
        {
            private readonly Uri _endpoint;

            public TokenStaysHomeHandler(Uri endpoint) { _endpoint = endpoint; }

            protected override Task<System.Net.Http.HttpResponseMessage> SendAsync(System.Net.Http.HttpRequestMessage request, CancellationToken cancellationToken)
            {
                if (request.RequestUri != null && Uri.Compare(request.RequestUri, _endpoint, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) != 0)
                {
                    request.Headers.Authorization = null;
                }
                return base.SendAsync(request, cancellationToken);
            }
        }

        /// <summary>A token obtained elsewhere (as Connect-MgGraph -AccessToken), attached only to the endpoint's host and only over https (or to this machine).</summary>
        private sealed class StaticTokenProvider : IAccessTokenProvider
        {
            private readonly SecureString _token;

            public StaticTokenProvider(SecureString token, IEnumerable<string> allowedHosts)
            {
                _token = token;
                _token.MakeReadOnly();
                AllowedHostsValidator = new AllowedHostsValidator(allowedHosts);
            }

            public AllowedHostsValidator AllowedHostsValidator { get; }

            public Task<string> GetAuthorizationTokenAsync(Uri uri, Dictionary<string, object> additionalAuthenticationContext = null, CancellationToken cancellationToken = default)
            {
                if (!AllowedHostsValidator.IsUrlHostValid(uri)) return Task.FromResult(string.Empty);
                if (uri.Scheme != "https" && !uri.IsLoopback) throw new ArgumentException("A token is only sent over https.");
                return Task.FromResult(Plain(_token));
            }
        }
    }
}
