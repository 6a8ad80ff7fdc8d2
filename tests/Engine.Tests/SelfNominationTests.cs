using System;
using System.Linq;
using CallRecordingAdmin.Engine.AccessGrants;
using CallRecordingAdmin.Engine.Policy;
using CallRecordingAdmin.Engine.RecordingRequests;
using CallRecordingAdmin.Engine.Roles;
using CallRecordingAdmin.Engine.ServiceAreas;
using CallRecordingAdmin.Engine.Store;
using Xunit;

namespace Engine.Tests
{
    /// <summary>
    /// Issue 9 §5 and clause 3.1 (review finding F2): nobody nominates themselves and nobody gives themselves a role, by
    /// any route — their own OS account, a lookalike or invisible-character spelling, another domain spelling, or a
    /// sock-puppet Administrator made under the same OS account. The store is NOT -SharedOsAccount: this test process is
    /// one OS account, which is exactly the attacker's position.
    /// </summary>
    public class SelfNominationTests : IDisposable
    {
        private readonly TempStore _t = new TempStore(sharedOsAccount: false);
        private RecordingStore Admin => _t.Store;
        private static string Os => Principal.OperatingSystemAccount();
        public void Dispose() => _t.Dispose();

        public SelfNominationTests()
        {
            Admin.ServiceAreas.Create(new ServiceAreaDraft { Name = "Desk", Retention = RetentionPeriod.FromDays(30), CustomerNotice = "n" });
            Admin.Roles.Add("nsm@uni.test", RecordingRole.NetworkServicesManager, null);
            var r = Admin.Requests.Create(new RecordingRequestDraft
            {
                ServiceArea = "Desk", BusinessReason = "b", Purposes = new[] { Purpose.StaffProtection },
                AccessLevels = AccessLevel.Parse("Supervisor=Play+Download"), Retention = RetentionPeriod.FromDays(30), DpiaReference = "d", DpoAdvice = "a",
            });
            Admin.As("nsm@uni.test").WithOsAccount("nsm@host").Requests.Approve(r.RequestId, null, null);
        }

        private static string Id(Action a) => Assert.Throws<PolicyException>(a).ErrorId;

        private AccessGrant Nominate(RecordingStore by, string who) => by.Grants.Grant(who, "Desk", "Supervisor", new[] { AccessRight.Download }, "case work", null);

        [Fact]
        public void The_actors_own_os_account_gets_no_role_and_no_nomination()
        {
            Assert.Equal("SelfRoleGrantRefused", Id(() => Admin.Roles.Add(Os, RecordingRole.DataProtectionOfficer, null)));
            Assert.Equal("SelfNominationRefused", Id(() => Nominate(Admin, Os)));
            // the same user under another domain spelling: the user part is the person
            var user = Principal.UserPart(Os);
            Assert.Equal("SelfNominationRefused", Id(() => Nominate(Admin, "UNI\\" + user)));
            Assert.Equal("SelfRoleGrantRefused", Id(() => Admin.Roles.Add(user.ToUpperInvariant() + "@uni.ac.uk", RecordingRole.Auditor, null)));
            Assert.Empty(Admin.Grants.Get(new GrantQuery()));
        }

        [Theory]
        [InlineData("UNI\\admin")]              // DOMAIN\user for the UPN admin@uni.test
        [InlineData("admin@UNI")]               // another domain spelling
        [InlineData("ＡＤＭＩＮ@uni.test")]      // fullwidth: NFKC makes it admin@uni.test
        [InlineData("admin＠ｕｎｉ．ｔｅｓｔ")]
        public void Another_spelling_of_the_actors_principal_is_the_actor(string spelling)
        {
            Assert.Equal("SelfNominationRefused", Id(() => Nominate(Admin, spelling)));
            Assert.Equal("SelfRoleGrantRefused", Id(() => Admin.Roles.Add(spelling, RecordingRole.Auditor, null)));
        }

        [Theory]
        [InlineData("adm\u0456n@uni.test")]     // Cyrillic і among Latin letters
        [InlineData("UNI\\uc-adm\u0456n")]
        [InlineData("\u0430dmin@uni.test")]     // Cyrillic а
        [InlineData("admin@un\u03B9.test")]     // Greek ι
        [InlineData("admin@uni.test\u200B")]    // zero-width space
        [InlineData("ad\u200Dmin@uni.test")]    // zero-width joiner
        [InlineData("ad\u00ADmin@uni.test")]    // soft hyphen
        [InlineData("admin\u2060@uni.test")]    // word joiner
        [InlineData("adm\u0131\u0307n@uni.test")] // dotless i + combining dot
        [InlineData("admin\u3164@uni.test")]    // Hangul filler (a letter that shows nothing)
        public void Lookalike_and_invisible_principals_are_refused(string spelling)
        {
            Assert.Equal("PrincipalInvalid", Id(() => Nominate(Admin, spelling)));
            Assert.Equal("PrincipalInvalid", Id(() => Admin.Roles.Add(spelling, RecordingRole.Auditor, null)));
            Assert.Empty(Admin.Grants.Get(new GrantQuery()));
            Assert.Empty(Admin.Roles.Get(role: RecordingRole.Auditor));
        }

        [Fact]
        public void Principals_are_stored_in_one_canonical_form()
        {
            Assert.Equal("UNI\\bob", Admin.Roles.Add("ＵＮＩ＼bob", RecordingRole.Auditor, null).Principal);
            Assert.Equal("RoleAlreadyAssigned", Id(() => Admin.Roles.Add("UNI\\bob", RecordingRole.Auditor, null)));
            Assert.Equal("PrincipalInvalid", Id(() => Principal.Normalise("bob\u200B")));
            Assert.Equal("PrincipalInvalid", Id(() => Principal.Normalise("b\u043Eb@uni.test")));
            // one script throughout is a name, not a lookalike
            Assert.Equal("УНИ\\борис", Principal.Normalise("УНИ\\борис"));
            Assert.Equal("UNI\\José", Principal.Normalise("UNI\\Jose\u0301"));   // NFKC composes é
            Assert.Equal("UNI\\Mary Ann", Principal.Normalise("UNI\\Mary\u00A0Ann"));
        }

        [Fact]
        public void A_sock_puppet_administrator_under_the_same_os_account_cannot_nominate_its_creator()
        {
            Admin.Roles.Add("UNI\\sock", RecordingRole.Administrator, null);
            var sock = Admin.As("UNI\\sock");          // the same OS account, another name
            var e = Assert.Throws<PolicyException>(() => Nominate(sock, TempStore.Admin));
            Assert.Equal("SelfNominationRefused", e.ErrorId);
            Assert.Contains(Os, e.Message);
            Assert.Equal("SelfRoleGrantRefused", Id(() => sock.Roles.Add(TempStore.Admin, RecordingRole.DataProtectionOfficer, null)));
            // and the creator cannot nominate the sock puppet, now that the account has acted as it
            Assert.Equal("SelfNominationRefused", Id(() => Nominate(Admin, "UNI\\sock")));
            Assert.Equal("SelfNominationRefused", Id(() => Nominate(Admin, "sock@UNI")));
            Assert.Empty(Admin.Grants.Get(new GrantQuery()));
        }

        [Fact]
        public void Another_person_at_their_own_os_account_nominates_and_is_nominated()
        {
            Assert.Equal("bob@uni.test", Nominate(Admin, "bob@uni.test").Principal);
            Admin.Roles.Add("carol@uni.test", RecordingRole.Administrator, null);
            var carol = Admin.As("carol@uni.test").WithOsAccount("carol@host");
            Assert.Equal(TempStore.Admin, Nominate(carol, TempStore.Admin).Principal);
            Assert.Equal(2, Admin.Grants.Get(new GrantQuery()).Count());
        }

        [Fact]
        public void A_shared_os_account_store_compares_principals_only()
        {
            using (var shared = new TempStore())
            {
                shared.Store.ServiceAreas.Create(new ServiceAreaDraft { Name = "Desk", Retention = RetentionPeriod.FromDays(30), CustomerNotice = "n" });
                Assert.Equal(Os, shared.Store.Roles.Add(Os, RecordingRole.Auditor, null).Principal);
                Assert.Equal("SelfRoleGrantRefused", Id(() => shared.Store.Roles.Add("UNI\\admin", RecordingRole.Auditor, null)));
            }
        }
    }
}
