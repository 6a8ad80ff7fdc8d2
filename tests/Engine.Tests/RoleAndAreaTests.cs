using System.Linq;
using CallRecordingAdmin.Engine.Audit;
using CallRecordingAdmin.Engine.Policy;
using CallRecordingAdmin.Engine.RecordedExtensions;
using CallRecordingAdmin.Engine.Roles;
using CallRecordingAdmin.Engine.ServiceAreas;
using Xunit;

namespace Engine.Tests
{
    public class RoleAndAreaTests
    {
        private static ServiceAreaDraft Area(string name, int months = 6) => new ServiceAreaDraft { Name = name, Retention = RetentionPeriod.FromMonths(months) };

        [Fact]
        public void Only_Administrators_manage_areas_and_a_refusal_is_audited()
        {
            using (var t = new TempStore())
            {
                var supervisor = t.As("sup@uni.test");
                var e = Assert.Throws<PolicyException>(() => supervisor.ServiceAreas.Create(Area("Sneaky")));
                Assert.Equal("AccessDenied", e.ErrorId);
                Assert.Equal(FailureKind.PermissionDenied, e.Kind);
                Assert.Contains("Administrator", e.Message);
                Assert.Empty(t.Store.ServiceAreas.Get());
                var denial = t.Store.Audit.Get(new AuditQuery { Action = "AccessDenied" }).Single();
                Assert.Equal("sup@uni.test", denial.Principal);
                Assert.Equal("create service areas", denial.Target);
                Assert.True(t.Store.Audit.Verify().IsValid);
            }
        }

        [Fact]
        public void Area_names_are_unique_without_regard_to_case()
        {
            using (var t = new TempStore())
            {
                t.Store.ServiceAreas.Create(Area("Student Enquiries"));
                Assert.Equal("ServiceAreaExists", Assert.Throws<PolicyException>(() => t.Store.ServiceAreas.Create(Area("student ENQUIRIES"))).ErrorId);
                Assert.Equal("Student Enquiries", t.Store.ServiceAreas.Get("STUDENT enquiries").Name);
            }
        }

        [Fact]
        public void Wildcards_select_areas_and_updates_keep_what_is_not_given()
        {
            using (var t = new TempStore())
            {
                t.Store.ServiceAreas.Create(new ServiceAreaDraft { Name = "Finance Helpline", Retention = RetentionPeriod.FromMonths(12), CustomerNotice = "Recorded." });
                t.Store.ServiceAreas.Create(Area("Finance Office", 3));
                t.Store.ServiceAreas.Create(Area("IT Service Desk"));
                var fin = t.Store.ServiceAreas.Get(new[] { "Fin*" }).ToList();
                Assert.Equal(2, fin.Count);
                foreach (var a in fin) t.Store.ServiceAreas.Update(a.Name, new ServiceAreaChange { Retention = RetentionPeriod.FromDays(90) });
                var helpline = t.Store.ServiceAreas.Get("Finance Helpline");
                Assert.Equal(90, helpline.RetentionDays);
                Assert.Null(helpline.RetentionMonths);
                Assert.Equal("Recorded.", helpline.CustomerNotice);
                Assert.Equal("6 months", t.Store.ServiceAreas.Get("IT Service Desk").Retention);
            }
        }

        [Fact]
        public void The_last_Administrator_cannot_be_removed()
        {
            using (var t = new TempStore())
            {
                Assert.Equal("LastAdministrator", Assert.Throws<PolicyException>(() => t.Store.Roles.Remove(TempStore.Admin, RecordingRole.Administrator, null)).ErrorId);
                t.Store.Roles.Add("second@uni.test", RecordingRole.Administrator, null);
                t.Store.Roles.Remove(TempStore.Admin, RecordingRole.Administrator, null);
                Assert.Equal("AccessDenied", Assert.Throws<PolicyException>(() => t.Store.ServiceAreas.Create(Area("After"))).ErrorId);
            }
        }

        [Fact]
        public void A_Supervisor_belongs_to_an_area_and_store_wide_roles_to_none()
        {
            using (var t = new TempStore())
            {
                t.Store.ServiceAreas.Create(Area("IT Service Desk"));
                Assert.Equal("ServiceAreaRequired", Assert.Throws<PolicyException>(() => t.Store.Roles.Add("s@uni.test", RecordingRole.Supervisor, null)).ErrorId);
                Assert.Equal("RoleNotAreaScoped", Assert.Throws<PolicyException>(() => t.Store.Roles.Add("n@uni.test", RecordingRole.NetworkServicesManager, "IT Service Desk")).ErrorId);
                var s = t.Store.Roles.Add("s@uni.test", RecordingRole.Supervisor, "it service desk");
                Assert.Equal("IT Service Desk", s.ServiceArea);
                Assert.Equal("RoleAlreadyAssigned", Assert.Throws<PolicyException>(() => t.Store.Roles.Add("S@UNI.TEST", RecordingRole.Supervisor, "IT Service Desk")).ErrorId);
                Assert.Equal("ServiceAreaInUse", Assert.Throws<PolicyException>(() => t.Store.ServiceAreas.Remove("IT Service Desk")).ErrorId);
            }
        }

        [Fact]
        public void A_constantly_recorded_extension_needs_a_non_recorded_alternative()
        {
            using (var t = new TempStore())
            {
                t.Store.ServiceAreas.Create(Area("IT Service Desk"));
                var e = Assert.Throws<PolicyException>(() => t.Store.Extensions.Add("4521", "IT Service Desk", ExtensionMode.Constant, true, null));
                Assert.Equal("NonRecordedAlternativeRequired", e.ErrorId);
                Assert.Equal("2.3", e.Clause);
                t.Store.Extensions.Add("4530", "IT Service Desk", ExtensionMode.OnDemand, false, null);
                Assert.Equal("NonRecordedAlternativeRequired",
                    Assert.Throws<PolicyException>(() => t.Store.Extensions.Add("4521", "IT Service Desk", ExtensionMode.Constant, true, "4530")).ErrorId);
                var ext = t.Store.Extensions.Add(" 45-21 ", "IT Service Desk", ExtensionMode.Constant, true, "4599");
                Assert.Equal("4521", ext.Number);
                Assert.Equal("NonRecordedAlternativeConflict",
                    Assert.Throws<PolicyException>(() => t.Store.Extensions.Add("4599", "IT Service Desk", ExtensionMode.OnDemand, false, null)).ErrorId);
                Assert.Equal("NonRecordedAlternativeRequired",
                    Assert.Throws<PolicyException>(() => t.Store.Extensions.Update("4530", new RecordedExtensionChange { Mode = ExtensionMode.Constant })).ErrorId);
                Assert.Equal("ExtensionExists", Assert.Throws<PolicyException>(() => t.Store.Extensions.Add("4521", "IT Service Desk", ExtensionMode.OnDemand, false, null)).ErrorId);
                Assert.Equal("InvalidExtensionNumber", Assert.Throws<PolicyException>(() => t.Store.Extensions.Add("45x1", "IT Service Desk", ExtensionMode.OnDemand, false, null)).ErrorId);
            }
        }
    }
}
