using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using CallRecordingAdmin.Engine.Directories;
using Microsoft.Graph;
using Microsoft.Graph.Models;
using Microsoft.Graph.Models.CallRecords;
using Microsoft.Graph.Models.ODataErrors;
using Microsoft.Kiota.Abstractions.Serialization;

namespace CallRecordingAdmin.Graph
{
    /// <summary>The directory over Microsoft Graph: transitive group members, accounts, call records and PSTN / direct-routing logs, every list paged with the SDK's PageIterator.</summary>
    internal sealed class GraphDirectory : IDirectory
    {
        private static readonly string[] UserFields = { "id", "displayName", "userPrincipalName", "mail", "accountEnabled" };
        private readonly GraphApi _api;

        public GraphDirectory(GraphApi api) { _api = api; }

        public IEnumerable<DirectoryUser> GetTransitiveGroupUsers(string groupId)
        {
            const string doing = "read the group's transitive members";
            const string permission = "GroupMember.Read.All (and User.Read.All for account state)";
            var users = new List<DirectoryUser>();
            _api.Call(doing, permission, async client =>
            {
                var first = await client.Groups[groupId].TransitiveMembers.GraphUser.GetAsync(rc =>
                {
                    rc.QueryParameters.Select = UserFields;
                    rc.QueryParameters.Top = 999;
                }).ConfigureAwait(false);
                if (first == null) return 0;
                var pages = PageIterator<User, UserCollectionResponse>.CreatePageIterator(client, first, u =>
                {
                    users.Add(new DirectoryUser
                    {
                        ObjectId = u.Id, UserPrincipalName = u.UserPrincipalName, Mail = u.Mail, DisplayName = u.DisplayName, AccountEnabled = u.AccountEnabled ?? false,
                    });
                    return true;
                });
                await pages.IterateAsync().ConfigureAwait(false);
                return 0;
            });
            return users;
        }

        public DirectoryAccount GetAccount(string objectIdOrUserPrincipalName)
        {
            var key = objectIdOrUserPrincipalName?.Trim() ?? "";
            const string permission = "User.Read.All";
            try
            {
                var user = _api.Call("read a user account", permission, client => client.Users[key].GetAsync(rc => rc.QueryParameters.Select = UserFields));
                return new DirectoryAccount
                {
                    ObjectId = user.Id, UserPrincipalName = user.UserPrincipalName, DisplayName = user.DisplayName,
                    State = user.AccountEnabled == false ? AccountState.Disabled : AccountState.Enabled,
                };
            }
            catch (Engine.Policy.PolicyException e) when (e.InnerException is ODataError o && (o.ResponseStatusCode == 404 || o.ResponseStatusCode == 400))
            {
            }
            if (!Guid.TryParse(key, out _)) return new DirectoryAccount { UserPrincipalName = key, State = AccountState.NotFound };
            try
            {
                var deleted = _api.Call("read deleted directory objects", permission, client => client.Directory.DeletedItems[key].GetAsync());
                var upn = deleted is User du ? du.UserPrincipalName : null;
                return new DirectoryAccount { ObjectId = key, UserPrincipalName = upn, DisplayName = (deleted as User)?.DisplayName, State = AccountState.Deleted };
            }
            catch (Engine.Policy.PolicyException e) when (e.InnerException is ODataError o && o.ResponseStatusCode == 404)
            {
                return new DirectoryAccount { ObjectId = key, State = AccountState.NotFound };
            }
        }

        public IEnumerable<DirectoryCall> GetCallRecords(DateTimeOffset after, DateTimeOffset before)
        {
            var calls = new List<DirectoryCall>();
            _api.Call("read Teams call records", "CallRecords.Read.All", async client =>
            {
                var first = await client.Communications.CallRecords.GetAsync(rc =>
                {
                    rc.QueryParameters.Filter = "startDateTime ge " + Iso(after) + " and startDateTime lt " + Iso(before);
                }).ConfigureAwait(false);
                if (first == null) return 0;
                var pages = PageIterator<CallRecord, CallRecordCollectionResponse>.CreatePageIterator(client, first, r =>
                {
                    var parties = new List<DirectoryCallParticipant>();
                    if (r.Organizer != null) parties.Add(Party("Organizer", r.Organizer));
                    foreach (var p in r.Participants ?? new List<IdentitySet>()) parties.Add(Party("Participant", p));
                    calls.Add(new DirectoryCall
                    {
                        CallId = r.Id, Source = DirectoryCallSource.CallRecord, Start = r.StartDateTime ?? after, End = r.EndDateTime,
                        Participants = parties.Where(p => p.UserId != null || p.PhoneNumber != null || p.DisplayName != null)
                            .GroupBy(p => (p.UserId ?? "") + "|" + (p.PhoneNumber ?? "") + "|" + p.Role).Select(g => g.First()).ToList(),
                    });
                    return true;
                });
                await pages.IterateAsync().ConfigureAwait(false);
                return 0;
            });
            return calls;
        }

        public IEnumerable<DirectoryCall> GetPstnCalls(DateTimeOffset after, DateTimeOffset before)
        {
            var calls = new List<DirectoryCall>();
            _api.Call("read PSTN call logs", "CallRecords.Read.All", async client =>
            {
                var first = await client.Communications.CallRecords.MicrosoftGraphCallRecordsGetPstnCallsWithFromDateTimeWithToDateTime(after, before)
                    .GetAsGetPstnCallsWithFromDateTimeWithToDateTimeGetResponseAsync().ConfigureAwait(false);
                if (first == null) return 0;
                var pages = PageIterator<PstnCallLogRow, Microsoft.Graph.Communications.CallRecords.MicrosoftGraphCallRecordsGetPstnCallsWithFromDateTimeWithToDateTime.GetPstnCallsWithFromDateTimeWithToDateTimeGetResponse>
                    .CreatePageIterator(client, first, row =>
                    {
                        calls.Add(new DirectoryCall
                        {
                            CallId = row.CallId ?? row.Id, Source = DirectoryCallSource.PstnCall, Start = row.StartDateTime ?? after, End = row.EndDateTime,
                            Participants = new List<DirectoryCallParticipant>
                            {
                                new DirectoryCallParticipant { Role = "User", DisplayName = row.UserDisplayName, UserId = row.UserId, UserPrincipalName = row.UserPrincipalName },
                                new DirectoryCallParticipant { Role = "Caller", PhoneNumber = row.CallerNumber },
                                new DirectoryCallParticipant { Role = "Callee", PhoneNumber = row.CalleeNumber },
                            },
                        });
                        return true;
                    });
                await pages.IterateAsync().ConfigureAwait(false);
                return 0;
            });
            _api.Call("read direct-routing call logs", "CallRecords.Read.All", async client =>
            {
                var first = await client.Communications.CallRecords.MicrosoftGraphCallRecordsGetDirectRoutingCallsWithFromDateTimeWithToDateTime(after, before)
                    .GetAsGetDirectRoutingCallsWithFromDateTimeWithToDateTimeGetResponseAsync().ConfigureAwait(false);
                if (first == null) return 0;
                var pages = PageIterator<DirectRoutingLogRow, Microsoft.Graph.Communications.CallRecords.MicrosoftGraphCallRecordsGetDirectRoutingCallsWithFromDateTimeWithToDateTime.GetDirectRoutingCallsWithFromDateTimeWithToDateTimeGetResponse>
                    .CreatePageIterator(client, first, row =>
                    {
                        calls.Add(new DirectoryCall
                        {
                            CallId = row.CorrelationId ?? row.Id, Source = DirectoryCallSource.DirectRoutingCall, Start = row.StartDateTime ?? row.InviteDateTime ?? after, End = row.EndDateTime,
                            Participants = new List<DirectoryCallParticipant>
                            {
                                new DirectoryCallParticipant { Role = "User", DisplayName = row.UserDisplayName, UserId = row.UserId, UserPrincipalName = row.UserPrincipalName },
                                new DirectoryCallParticipant { Role = "Caller", PhoneNumber = row.CallerNumber },
                                new DirectoryCallParticipant { Role = "Callee", PhoneNumber = row.CalleeNumber },
                            },
                        });
                        return true;
                    });
                await pages.IterateAsync().ConfigureAwait(false);
                return 0;
            });
            return calls;
        }

        private static DirectoryCallParticipant Party(string role, IdentitySet set)
        {
            var user = set.User;
            var phone = (set as CommunicationsIdentitySet)?.Phone;
            string upn = null;
            if (user?.AdditionalData != null && user.AdditionalData.TryGetValue("userPrincipalName", out var v)) upn = v?.ToString();
            return new DirectoryCallParticipant
            {
                Role = role, DisplayName = user?.DisplayName ?? phone?.DisplayName, UserId = user?.Id, UserPrincipalName = upn, PhoneNumber = phone?.Id,
            };
        }

        private static string Iso(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
    }
}
