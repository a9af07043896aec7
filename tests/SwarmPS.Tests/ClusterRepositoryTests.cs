using System;
using System.IO;
using System.Threading.Tasks;
using SwarmPS.Engine.Cluster;
using Xunit;

namespace SwarmPS.Tests
{
    public sealed class ClusterRepositoryTests : IDisposable
    {
        private readonly string root = Path.Combine(Path.GetTempPath(), "swarmps-repo-" + Guid.NewGuid().ToString("n"));

        public void Dispose()
        {
            if (Directory.Exists(root))
            {
                Directory.Delete(root, recursive: true);
            }
        }

        [Fact]
        public void SaveLoad_RoundTripsMembers_AndSetsCurrent()
        {
            var repository = new ClusterRepository(root);
            repository.Save(new ClusterRecord { Name = "demo", SwarmId = "abc", Members = { new ClusterMember { Name = "core-01", Address = "10.0.0.1", ApiPort = 2376 } } });
            repository.Current = "demo";
            ClusterRecord loaded = repository.Load("demo");
            Assert.Equal("abc", loaded.SwarmId);
            Assert.Equal("10.0.0.1", Assert.Single(loaded.Members).Address);
            Assert.Equal("demo", repository.Current);
            Assert.Equal(new[] { "demo" }, repository.List());
        }

        [Fact]
        public void Load_OfAnUnknownName_SaysWhichClustersExist()
        {
            var repository = new ClusterRepository(root);
            repository.Save(new ClusterRecord { Name = "prod" });
            SwarmException failure = Assert.Throws<SwarmException>(() => repository.Load("demo"));
            Assert.Equal("ClusterNotFound", failure.ErrorId);
            Assert.Contains("prod", failure.Message, StringComparison.Ordinal);
        }

        [Theory]
        [InlineData("bad name")]
        [InlineData("../escape")]
        [InlineData("-leading")]
        [InlineData("")]
        public void InvalidNames_AreRefused(string name)
        {
            Assert.Equal("ClusterNameInvalid", Assert.Throws<SwarmException>(() => ClusterRepository.ValidateName(name)).ErrorId);
        }

        [Fact]
        public void Update_FromManyThreads_LosesNoMember()
        {
            var repository = new ClusterRepository(root);
            repository.Save(new ClusterRecord { Name = "demo" });
            Parallel.For(0, 20, i => repository.Update("demo", r => r.Members.Add(new ClusterMember { Name = "node-" + i })));
            Assert.Equal(20, repository.Load("demo").Members.Count);
        }

        [Fact]
        public void Delete_ForgetsTheCurrentCluster()
        {
            var repository = new ClusterRepository(root);
            repository.Save(new ClusterRecord { Name = "demo" });
            repository.Current = "demo";
            repository.Delete("demo");
            Assert.Null(repository.Current);
            Assert.False(repository.Exists("demo"));
        }
    }
}
