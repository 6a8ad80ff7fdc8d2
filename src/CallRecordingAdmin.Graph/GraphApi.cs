using System;
using System.Collections.Generic;
using System.Net.Http;
using System.Threading.Tasks;
using Azure.Identity;
using CallRecordingAdmin.Engine.Policy;
using Microsoft.Graph;
using Microsoft.Graph.Models.ODataErrors;
using Microsoft.Kiota.Abstractions;

namespace CallRecordingAdmin.Graph
{
    /// <summary>Runs one Graph call and turns its failures into the engine's errors: a 403 names the permission the app registration lacks.</summary>
    internal sealed class GraphApi
    {
        public GraphApi(GraphServiceClient client) { Client = client; }

        public GraphServiceClient Client { get; }

        public T Call<T>(string doing, string permission, Func<GraphServiceClient, Task<T>> call)
        {
            try
            {
                return call(Client).ConfigureAwait(false).GetAwaiter().GetResult();
            }
            catch (Exception e)
            {
                throw Translate(e, doing, permission);
            }
        }

        internal static PolicyException Translate(Exception e, string doing, string permission)
        {
            switch (e)
            {
                case PolicyException p:
                    return p;
                case ODataError o when o.ResponseStatusCode == 403:
                    return new PolicyException("GraphPermissionMissing", FailureKind.PermissionDenied,
                        "Microsoft Graph refused to " + doing + " (403 " + (o.Error?.Code ?? "Forbidden") + "): the app registration needs the " + permission +
                        " permission, granted with admin consent.", permission, null, e);
                case ODataError o when o.ResponseStatusCode == 401:
                    return new PolicyException("GraphAuthenticationFailed", FailureKind.SecurityError,
                        "Microsoft Graph did not accept the sign-in while trying to " + doing + " (401 " + (o.Error?.Code ?? "Unauthorized") + "); connect again with Connect-RecordingGraph.", doing, null, e);
                case ODataError o when o.ResponseStatusCode == 429:
                    return new PolicyException("GraphThrottled", FailureKind.ResourceUnavailable,
                        "Microsoft Graph is still throttling after the retries its Retry-After asked for, while trying to " + doing + "; run again later.", doing, null, e);
                case ODataError o:
                    return new PolicyException("GraphRequestFailed", FailureKind.InvalidOperation,
                        "Microsoft Graph could not " + doing + " (" + o.ResponseStatusCode + " " + (o.Error?.Code ?? "") + ": " + (o.Error?.Message ?? o.Message) + ").", doing, null, e);
                case AuthenticationFailedException a:
                    return new PolicyException("GraphAuthenticationFailed", FailureKind.SecurityError,
                        "Signing in to Microsoft Graph failed: " + FirstLine(a.Message), doing, null, e);
                case ApiException api:
                    return new PolicyException("GraphRequestFailed", FailureKind.InvalidOperation,
                        "Microsoft Graph could not " + doing + " (" + api.ResponseStatusCode + ").", doing, null, e);
                case HttpRequestException _:
                case TaskCanceledException _:
                    return new PolicyException("DirectoryUnavailable", FailureKind.ResourceUnavailable,
                        "Microsoft Graph could not be reached to " + doing + ": " + FirstLine(e.Message), doing, null, e);
                default:
                    return new PolicyException("GraphRequestFailed", FailureKind.InvalidOperation, "Microsoft Graph could not " + doing + ": " + FirstLine(e.Message), doing, null, e);
            }
        }

        private static string FirstLine(string s)
        {
            if (string.IsNullOrEmpty(s)) return "";
            var i = s.IndexOfAny(new[] { '\r', '\n' });
            return i < 0 ? s : s.Substring(0, i);
        }
    }
}
