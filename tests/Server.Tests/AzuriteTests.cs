using System;
using System.IO;
using System.Security.Cryptography;
using Azure.Storage.Blobs;
using Xunit;

namespace CallRecordingAdmin.Server.Tests
{
    /// <summary>The Azurite the build starts takes and gives back blobs through the Azure SDK: the harness BlobFiles will run on.</summary>
    public sealed class AzuriteTests
    {
        [AzuriteFact]
        public void TheBuildsAzuriteStoresAndReturnsABlob()
        {
            var container = new BlobContainerClient(Servers.Blob, "crec-test-" + Guid.NewGuid().ToString("N"));
            container.Create();
            try
            {
                var bytes = RandomNumberGenerator.GetBytes(3 * 1024 * 1024 + 17);
                var blob = container.GetBlobClient("shard/0001.crec");
                using (var upload = new MemoryStream(bytes)) blob.Upload(upload);
                using var download = new MemoryStream();
                blob.DownloadTo(download);
                Assert.Equal(bytes, download.ToArray());
                Assert.Equal(bytes.Length, blob.GetProperties().Value.ContentLength);
                Assert.True(blob.DeleteIfExists().Value);
                Assert.False(blob.Exists().Value);
            }
            finally
            {
                container.DeleteIfExists();
            }
        }
    }
}
