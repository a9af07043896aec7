using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using Docker.DotNet.Models;
using SwarmPS.Engine.Cluster;
using SwarmPS.Engine.Stacks;
using SwarmPS.Tests.Fakes;
using Xunit;

namespace SwarmPS.Tests
{
    /// <summary>ConvertTo-SwarmStack's choice of services (names, wildcards, piped containers, -Stack) and the file it writes from the cluster.</summary>
    public sealed class StackExporterTests : IDisposable
    {
        private const string App = @"services:
  db:
    image: registry.lab:5000/db:1
    volumes: ['dbdata:/data']
    networks: [back]
    deploy:
      placement:
        constraints: [storage==ssd]
  web:
    image: registry.lab:5000/web:1
    ports: ['8080:80']
    networks: [back]
    deploy:
      replicas: 2
networks:
  back:
volumes:
  dbdata:
";

        private static readonly SwarmService[] Services =
        {
            Service("s1", "web"),
            Service("s2", "web-cache"),
            Service("s3", "db"),
            Service("s4", "app_web", "app"),
            Service("s5", "app_db", "app"),
        };

        private readonly ThreeNodeCluster cluster = new ThreeNodeCluster();
        private readonly TemporaryDirectory dir = new TemporaryDirectory();

        public StackExporterTests()
        {
            cluster.Swarm.RegistryImages["registry.lab:5000/db:1"] = "sha256:" + new string('1', 64);
            cluster.Swarm.RegistryImages["registry.lab:5000/web:1"] = "sha256:" + new string('2', 64);
        }

        public void Dispose()
        {
            dir.Dispose();
            cluster.Dispose();
        }

        [Fact]
        public void Names_MatchServicesWithWildcards_EachOnce_InNameOrder()
        {
            StackServiceSelection selection = StackExporter.Select(Services, Request(new[] { "web*", "WEB", "db" }), IsPattern, "demo");
            Assert.Equal(new[] { "db", "web", "web-cache" }, selection.Services.Select(s => s.Spec.Name));
            Assert.Empty(selection.MissingNames);
            Assert.Null(selection.Stack);
        }

        [Fact]
        public void APlainNameThatMatchesNothing_IsMissing_AWildcardIsNot()
        {
            StackServiceSelection selection = StackExporter.Select(Services, Request(new[] { "web", "nope", "nothing*" }), IsPattern, "demo");
            Assert.Equal(new[] { "nope" }, selection.MissingNames);
            Assert.Equal(new[] { "web" }, selection.Services.Select(s => s.Spec.Name));
        }

        [Fact]
        public void PipedContainers_GiveTheirServiceOnce_AndAGoneServiceIsMissing()
        {
            StackServiceSelection selection = StackExporter.Select(Services, Request(Array.Empty<string>(), ids: new[] { "s3", "s1", "s3", "gone" }), IsPattern, "demo");
            Assert.Equal(new[] { "db", "web" }, selection.Services.Select(s => s.Spec.Name));
            Assert.Equal(new[] { "gone" }, selection.MissingServiceIds);
        }

        [Fact]
        public void NoNames_MeansEveryService_ButNoPipedContainersMeansNone()
        {
            Assert.Equal(5, StackExporter.Select(Services, Request(null), IsPattern, "demo").Services.Count);
            Assert.Empty(StackExporter.Select(Services, Request(Array.Empty<string>()), IsPattern, "demo").Services);
        }

        [Fact]
        public void AStack_GivesItsServices_MatchedByShortOrFullName_AndItsPrefixGoes()
        {
            StackServiceSelection all = StackExporter.Select(Services, Request(null, stack: "app"), IsPattern, "demo");
            Assert.Equal(new[] { "app_db", "app_web" }, all.Services.Select(s => s.Spec.Name));
            Assert.Equal("app", all.Stack);

            StackServiceSelection some = StackExporter.Select(Services, Request(new[] { "web", "app_db", "db*" }, stack: "app"), IsPattern, "demo");
            Assert.Equal(new[] { "app_db", "app_web" }, some.Services.Select(s => s.Spec.Name));

            // A name of a service outside the stack is not found in it.
            Assert.Equal(new[] { "web-cache" }, StackExporter.Select(Services, Request(new[] { "web-cache" }, stack: "app"), IsPattern, "demo").MissingNames);
        }

        [Fact]
        public void ServicesPickedByNameThatShareAStack_LoseItsPrefix_MixedOnesKeepTheirNames()
        {
            Assert.Equal("app", StackExporter.Select(Services, Request(new[] { "app_*" }), IsPattern, "demo").Stack);
            Assert.Null(StackExporter.Select(Services, Request(new[] { "app_web", "db" }), IsPattern, "demo").Stack);
        }

        [Fact]
        public void AStackWithNoServices_IsStackNotFound()
        {
            SwarmException failure = Assert.Throws<SwarmException>(() => StackExporter.Select(Services, Request(null, stack: "nope"), IsPattern, "demo"));
            Assert.Equal("StackNotFound", failure.ErrorId);
            Assert.Equal("nope", failure.Target);
        }

        [Fact]
        public async Task AStackReadFromTheCluster_IsWrittenSoThatItDeploysAgainWithNothingToChange()
        {
            var deployer = new StackDeployer { SavedLogin = _ => null };
            ClusterContext context = await cluster.ResolveAsync();
            StackPlan first = await deployer.PlanAsync(context, Define("app", App), false, NullReporter.Instance, CancellationToken.None);
            await deployer.ApplyAsync(context, first, noWait: true, TimeSpan.FromSeconds(5), NullReporter.Instance, CancellationToken.None);
            cluster.Swarm.AddService(ThreeNodeCluster.Service("loose", "busybox"));

            StackConversion conversion = await new StackExporter().ConvertAsync(context, Request(null, stack: "app"), IsPattern, NullReporter.Instance, CancellationToken.None);
            StackExport export = Assert.IsType<StackExport>(conversion.Export);
            Assert.Equal(new[] { "db", "web" }, export.Services);
            Assert.StartsWith("# Written by ConvertTo-SwarmStack from cluster 'demo', stack 'app'.", export.Yaml);
            Assert.DoesNotContain("loose", export.Yaml);
            Assert.Contains("image: registry.lab:5000/web:1\n", export.Yaml);

            // The tag resolves to the digest that runs: the stack's services, and its image label, stay as they are.

            StackPlan again = await deployer.PlanAsync(context, Define("app", export.Yaml), false, NullReporter.Instance, CancellationToken.None);
            Assert.True(again.Describe().Count == 0, string.Join("\n", again.Describe()) + "\n" + export.Yaml);
        }

        [Fact]
        public async Task AMissingName_WritesNothing_AndNothingSelectedIsNoServiceToConvert()
        {
            cluster.Swarm.AddService(ThreeNodeCluster.Service("web", "busybox"));
            ClusterContext context = await cluster.ResolveAsync();
            var exporter = new StackExporter();

            StackConversion missing = await exporter.ConvertAsync(context, Request(new[] { "web", "nope" }), IsPattern, NullReporter.Instance, CancellationToken.None);
            Assert.Null(missing.Export);
            Assert.Equal(new[] { "nope" }, missing.Selection.MissingNames);

            SwarmException failure = await Assert.ThrowsAsync<SwarmException>(() => exporter.ConvertAsync(context, Request(new[] { "nothing*" }), IsPattern, NullReporter.Instance, CancellationToken.None));
            Assert.Equal("NoServiceToConvert", failure.ErrorId);
            Assert.Contains("no service matches nothing*", failure.Message);
        }

        private static bool IsPattern(string name) => WildcardPattern.ContainsWildcardCharacters(name);

        private static StackExportRequest Request(IReadOnlyList<string>? names, IReadOnlyList<string>? ids = null, string? stack = null, bool keepDigest = false) =>
            new StackExportRequest(names, ids ?? Array.Empty<string>(), stack, (pattern, name) => new WildcardPattern(pattern, WildcardOptions.IgnoreCase).IsMatch(name), keepDigest);

        private static SwarmService Service(string id, string name, string? stack = null) => new SwarmService
        {
            ID = id,
            Spec = new ServiceSpec
            {
                Name = name,
                Labels = stack == null ? new Dictionary<string, string>() : new Dictionary<string, string> { [StackMapper.NamespaceLabel] = stack },
                TaskTemplate = new TaskSpec { ContainerSpec = new ContainerSpec { Image = "busybox" } },
            },
        };

        private StackDefinition Define(string stack, string text)
        {
            string path = Path.Combine(dir.Path, "compose.yml");
            File.WriteAllText(path, text);
            return StackMapper.Map(stack, ComposeReader.Load(new[] { path }, new Dictionary<string, string>(), null));
        }
    }
}
