using System;
using System.Collections.Generic;
using System.Linq;
using CallRecordingAdmin.Engine.Policy;
using CallRecordingAdmin.Engine.PolicyDatabase;
using CallRecordingAdmin.Engine.Recordings;
using CallRecordingAdmin.Engine.Roles;
using CallRecordingAdmin.Engine.Store;

namespace CallRecordingAdmin.Engine.Directories
{
    /// <summary>One recording linked to one directory call.</summary>
    public sealed class CallRecordLink
    {
        public string RecordingId { get; set; }
        public string CallId { get; set; }
        public string ServiceArea { get; set; }
        public DateTimeOffset StartTime { get; set; }
        public string DirectoryCallId { get; set; }
        public DirectoryCallSource Source { get; set; }
        /// <summary>CallId: the recording's call id is the call record's id; NumberAndTime: the remote number and the start time agree.</summary>
        public string MatchedBy { get; set; }
        public int ParticipantsAdded { get; set; }
        public string Participants { get; set; }
    }

    /// <summary>
    /// Links recordings to the directory's call records so that a recording names its parties: by call id (Teams
    /// call records), else by the remote number and a start within <see cref="StartTolerance"/> (PSTN and
    /// direct-routing logs). The directory is read window by window before any transaction; each window's links are
    /// one transaction, idempotent (a second run adds nothing). Administrators only.
    /// </summary>
    public sealed class CallRecordImport
    {
        public static readonly TimeSpan StartTolerance = TimeSpan.FromMinutes(2);
        private readonly RecordingStore _store;
        private readonly IDirectory _directory;

        public CallRecordImport(RecordingStore store, IDirectory directory)
        {
            _store = store;
            _directory = directory ?? throw new ArgumentNullException(nameof(directory));
        }

        public IEnumerable<CallRecordLink> Import(DateTimeOffset after, DateTimeOffset before, string serviceArea, Action<string> verbose)
        {
            var windows = DirectoryWindows.Plan(after, before, _store.Clock.UtcNow);
            var areaId = _store.Change("import call records", "ImportCallRecords", ctx =>
            {
                ctx.Require(RecordingRole.Administrator, "import call records", null, null, null);
                return string.IsNullOrWhiteSpace(serviceArea) ? null : ServiceAreas.ServiceAreaRegister.Find(ctx, serviceArea).Id;
            });
            foreach (var w in windows)
            {
                if (w.Before <= w.After)
                {
                    verbose?.Invoke(w.Note + ".");
                    continue;
                }
                verbose?.Invoke("Reading " + (w.Source == DirectoryCallSource.CallRecord ? "Teams call records" : "PSTN and direct-routing call logs") + " from " +
                                Timestamp.ToText(w.After) + " to " + Timestamp.ToText(w.Before) + (string.IsNullOrEmpty(w.Note) ? "" : " (" + w.Note + ")") + ".");
                var calls = (w.Source == DirectoryCallSource.CallRecord ? _directory.GetCallRecords(w.After, w.Before) : _directory.GetPstnCalls(w.After, w.Before)).ToList();
                verbose?.Invoke(calls.Count + " call(s) in that window.");
                if (calls.Count == 0) continue;
                var links = _store.Change("import call records", "ImportCallRecords", ctx => Link(ctx, calls, areaId));
                foreach (var link in links) yield return link;
            }
        }

        private static List<CallRecordLink> Link(ChangeContext ctx, List<DirectoryCall> calls, string areaId)
        {
            var links = new List<CallRecordLink>();
            foreach (var call in calls)
            {
                var matches = ctx.Db.Directory.RecordingsOfCall(call.CallId, areaId).Select(x => (x.Id, x.Area, x.Start, By: "CallId")).ToList();
                if (matches.Count == 0)
                {
                    var numbers = call.Participants.Select(p => RemoteNumber.Normalise(p.PhoneNumber)).Where(n => n != null).Distinct().ToList();
                    foreach (var number in numbers)
                    {
                        matches.AddRange(ctx.Db.Directory.RecordingsOfNumber(number, call.Start - StartTolerance, call.Start + StartTolerance, areaId)
                            .Select(x => (x.Id, x.Area, x.Start, By: "NumberAndTime")));
                    }
                }
                foreach (var m in matches.GroupBy(x => x.Id).Select(g => g.First()))
                {
                    var added = 0;
                    foreach (var p in call.Participants)
                    {
                        added += ctx.Db.Directory.AddParticipant(m.Id, call.CallId, call.Source.ToString(), m.By, p.Role ?? "Participant",
                            Db(Limit(p.DisplayName)), Db(Limit(p.UserId)), Db(Limit(p.UserPrincipalName)), Db(RemoteNumber.Normalise(p.PhoneNumber)), ctx.Now, ctx.Principal);
                    }
                    var text = ctx.Db.Directory.ParticipantsText(m.Id);
                    if (added > 0)
                    {
                        ctx.Audit("LinkCallRecord", "Recording", m.Id, new Dictionary<string, object>
                        {
                            ["directoryCallId"] = call.CallId, ["source"] = call.Source.ToString(), ["matchedBy"] = m.By, ["participantsAdded"] = added,
                        });
                    }
                    links.Add(new CallRecordLink
                    {
                        RecordingId = m.Id, CallId = call.CallId, ServiceArea = m.Area, StartTime = m.Start, DirectoryCallId = call.CallId, Source = call.Source,
                        MatchedBy = m.By, ParticipantsAdded = added, Participants = text,
                    });
                }
            }
            return links;
        }

        private static string Db(string s) => string.IsNullOrWhiteSpace(s) ? null : s;
        private static string Limit(string s) => s == null ? null : s.Length > 256 ? s.Substring(0, 256) : s;
    }
}
