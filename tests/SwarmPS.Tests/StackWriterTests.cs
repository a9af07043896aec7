using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Docker.DotNet.Models;
using SwarmPS.Engine.Stacks;
using SwarmPS.Engine.Storage;
using SwarmPS.Engine.Workloads;
using SwarmPS.Tests.Fakes;
using Xunit;

namespace SwarmPS.Tests
{
    /// <summary>
    /// ConvertTo-SwarmStack's writer: Compose → spec → Compose → spec must give the same specs, field by field, as
    /// StackDiff compares them for Deploy-SwarmStack (so a kept file deploys with nothing to change).
    /// </summary>
    public sealed class StackWriterTests
    {
        private const string MoreKeys = @"version: '3.8'
services:
  api:
    image: registry.lab:5000/api:2@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
    command: [sleep, '3600']
    environment: [PORT=8080, 'FLAG=true', 'RATIO=0.5', 'EMPTY=', 'QUOTE=a ""b"" #c: d']
    user: '1000:1000'
    init: false
    tty: true
    stdin_open: true
    read_only: true
    stop_signal: SIGQUIT
    healthcheck:
      test: [CMD, /bin/check, --fast]
      interval: 1m30s
    volumes:
      - type: volume
        source: cache
        target: /cache
        volume: {nocopy: true}
      - type: bind
        source: /var/run/app
        target: /run/app
        bind: {propagation: rshared}
      - type: volume
        target: /anonymous
      - kept:/kept:ro
    networks:
      outside:
        aliases: [api-public]
      inside:
    secrets:
      - source: token
        target: api-token
        uid: '100'
        gid: '101'
        mode: 0400
    configs:
      - source: settings
        target: /etc/api.conf
    deploy:
      endpoint_mode: dnsrr
      replicas: 0
      placement:
        preferences: [spread: node.labels.rack, spread: node.labels.zone]
      resources:
        limits: {cpus: '1.25', memory: '1073741825'}
      restart_policy: {condition: none}
      rollback_config: {parallelism: 0, failure_action: continue, max_failure_ratio: 0.25}
  worker:
    image: busybox
    healthcheck:
      disable: true
    deploy:
      mode: global
networks:
  outside:
    external: true
    name: corp-net
  inside:
    internal: true
volumes:
  cache:
    driver_opts: {type: tmpfs, device: tmpfs}
    labels: {purpose: scratch}
  kept:
    external: true
    name: kept-data
secrets:
  token:
    external: true
    name: shared-token
configs:
  settings:
    external: true
";

        [Theory]
        [InlineData(StackMapperTests.EveryKey)]
        [InlineData(MoreKeys)]
        public void AStackWrittenAndReadAgain_GivesTheSameSpecs(string compose)
        {
            StackDefinition original = Map("app", compose);
            StackDefinition again = RoundTrip(original, "app", out string yaml);

            Assert.Equal(original.Services.Select(s => s.Key), again.Services.Select(s => s.Key));
            foreach (StackService service in original.Services)
            {
                ServiceSpec copy = again.Services.Single(s => s.Key == service.Key).Spec;
                Assert.Equal(service.Spec.Name, copy.Name);
                AssertSameFields(service.Spec, copy, yaml);
                Assert.Equal(Volumes(service.Spec), Volumes(copy));
            }

            // Networks the stack made are declared again as they were; the others stay external.
            Assert.Equal(original.Networks.Select(Describe).OrderBy(d => d, StringComparer.Ordinal), again.Networks.Select(Describe).OrderBy(d => d, StringComparer.Ordinal));
            Assert.Empty(again.Warnings);
        }

        [Fact]
        public void SecretsAndConfigs_AreExternal_WithTheirSwarmNames_AndSaySo()
        {
            StackDefinition original = Map("app", StackMapperTests.EveryKey);
            StackExport export = Write(original, "app");
            StackDefinition again = Map("app", export.Yaml);
            Assert.Equal(new[] { ("key", "app_key", true) }, again.Secrets.Select(s => (s.Key, s.Name, s.External)));
            Assert.Equal(new[] { ("conf", "app_conf", true) }, again.Configs.Select(s => (s.Key, s.Name, s.External)));
            Assert.Contains("# Swarm never gives a secret's value back", export.Yaml);
            Assert.Contains(export.Warnings, w => w.Contains("(key, conf) as external"));
        }

        [Fact]
        public void TheImage_LosesThePinnedDigest_UnlessItIsWantedOrAllThatNamesIt()
        {
            const string digest = "@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
            Assert.Equal("registry.lab:5000/web:1", StackWriter.Image("registry.lab:5000/web:1" + digest, keepDigest: false));
            Assert.Equal("registry.lab:5000/web:1" + digest, StackWriter.Image("registry.lab:5000/web:1" + digest, keepDigest: true));
            Assert.Equal("registry.lab:5000/web" + digest, StackWriter.Image("registry.lab:5000/web" + digest, keepDigest: false));
            Assert.Equal("busybox", StackWriter.Image("busybox", keepDigest: false));

            StackDefinition original = Map("app", MoreKeys);
            Assert.Equal("registry.lab:5000/api:2", Map("app", Write(original, "app").Yaml).Services.Single(s => s.Key == "api").Spec.TaskTemplate.ContainerSpec.Image);
        }

        [Fact]
        public void TextTheDockerCliWouldReadAsNumbersOrBooleans_IsQuoted()
        {
            string yaml = Write(Map("app", MoreKeys), "app").Yaml;
            Assert.Contains("version: \"3.8\"", yaml);
            Assert.Contains("user: \"1000:1000\"", yaml);
            Assert.Contains("PORT: \"8080\"", yaml);
            Assert.Contains("FLAG: \"true\"", yaml);
            Assert.Contains("cpus: \"1.25\"", yaml);
            Assert.Contains("memory: \"1073741825\"", yaml);
            Assert.Contains("command: [sleep, \"3600\"]", yaml);
            Assert.Contains("replicas: 0", yaml);
            Assert.Contains("mode: 0400", yaml);
            Assert.Contains("uid: \"100\"", yaml);
            Assert.DoesNotContain("com.docker.stack", yaml);
        }

        [Fact]
        public void ServicesOfNoStack_AsNewSwarmContainerMakesThem_DeployAsAStackWithTheSameSpecs()
        {
            ContainerSettings settings = MountParser.WithMounts(new ContainerSettings
            {
                LimitCpu = 0.5,
                LimitMemory = 64L << 20,
                ReserveMemory = 16L << 20,
                HealthCommand = "test -f /tmp/ok",
                HealthInterval = TimeSpan.FromSeconds(15),
                RestartCondition = "on-failure",
                RestartMaxAttempts = 3,
                UpdateOrder = "start-first",
                UpdateParallelism = 2,
            }, new[] { "type=bind,source=/srv/www,target=/www,readonly", "type=tmpfs,target=/scratch,tmpfs-size=1m" }, new[] { "webdata:/data" });
            var request = new ContainerRequest
            {
                Name = "web",
                Image = "registry.lab:5000/web:1",
                Command = new[] { "httpd", "-f", "-p", "80" },
                Environment = new Dictionary<string, string> { ["MODE"] = "production", ["COUNT"] = "3" },
                Constraints = new[] { ConstraintParser.Parse("storage==disk") },
                Replicas = 2,
                Settings = settings,
            };
            var secret = new SecretReference { SecretName = "web_dbpass", File = new SecretReferenceFileTarget { Name = "dbpass", UID = "0", GID = "0", Mode = 0x124 } };
            ServiceSpec original = WorkloadService.BuildSpec(request, new[] { PortSpec.Parse("8080:80") }, new[] { secret });
            original.TaskTemplate.Networks = new List<NetworkAttachmentConfig> { new NetworkAttachmentConfig { Target = "n1d", Aliases = new List<string>() } };
            var networks = new[] { new StackNetworkFacts("n1d", "backend", "overlay", true, false, new Dictionary<string, string>(), new Dictionary<string, string>()) };
            var secrets = new[] { new StackObjectFacts("web_dbpass", new Dictionary<string, string> { ["io.swarmps.managed"] = "true", ["io.swarmps.service"] = "web" }) };

            StackExport export = StackWriter.Write(new[] { original }, null, networks, secrets, false, "test");
            StackDefinition kept = Map("kept", export.Yaml);
            ServiceSpec copy = kept.Services.Single().Spec;
            Assert.Equal("kept_web", copy.Name);

            // The same service, in a stack: its name, labels and its alias on the network are the stack's.
            IReadOnlyDictionary<string, string> before = StackDiff.Fields(original, id => networks.Single(n => n.Id == id).Name);
            IReadOnlyDictionary<string, string> after = StackDiff.Fields(copy, name => name);
            string[] stackOwn = { "Labels", "Networks" };
            Assert.Empty(StackDiff.Changes(before.Where(p => !stackOwn.Contains(p.Key)).ToDictionary(p => p.Key, p => p.Value), after.Where(p => !stackOwn.Contains(p.Key)).ToDictionary(p => p.Key, p => p.Value)));
            Assert.Equal("backend(web)", after["Networks"]);
            Assert.True(kept.Networks.Single().External);
            Assert.Equal("webdata", copy.TaskTemplate.ContainerSpec.Mounts.Single(m => m.Type == "volume").Source);
            Assert.DoesNotContain("io.swarmps", export.Yaml);
            Assert.Contains(export.Warnings, w => w.Contains("'web_dbpass' holds a value given to New-SwarmContainer 'web'") && w.Contains("Remove-SwarmContainer web removes it"));
        }

        [Fact]
        public void TwoServicesThatWouldShareAName_AreRefused()
        {
            var specs = new[] { new ServiceSpec { Name = "a_web" }, new ServiceSpec { Name = "web" } };
            SwarmException failure = Assert.Throws<SwarmException>(() => StackWriter.Write(specs, "a", Array.Empty<StackNetworkFacts>(), Array.Empty<StackObjectFacts>(), false, "test"));
            Assert.Equal("StackServiceClash", failure.ErrorId);
        }

        [Fact]
        public void WritingTwice_GivesTheSameText()
        {
            StackDefinition original = Map("app", StackMapperTests.EveryKey);
            Assert.Equal(Write(original, "app").Yaml, Write(original, "app").Yaml);
        }

        private static void AssertSameFields(ServiceSpec original, ServiceSpec copy, string yaml)
        {
            IReadOnlyDictionary<string, string> before = StackDiff.Fields(original, n => n);
            IReadOnlyDictionary<string, string> after = StackDiff.Fields(copy, n => n);
            foreach (string field in before.Keys)
            {
                Assert.True(before[field] == after[field], $"{original.Name} {field}: '{before[field]}' became '{after[field]}' in\n{yaml}");
            }
        }

        private static string Volumes(ServiceSpec spec) => string.Join("; ", (spec.TaskTemplate.ContainerSpec.Mounts ?? new List<Mount>()).Select(m =>
            $"{m.Type} {m.Source} {m.Target} nocopy={m.VolumeOptions?.NoCopy} driver={m.VolumeOptions?.DriverConfig?.Name} opts={Pairs(m.VolumeOptions?.DriverConfig?.Options)} labels={Pairs(m.VolumeOptions?.Labels)} propagation={m.BindOptions?.Propagation} size={m.TmpfsOptions?.SizeBytes}"));

        private static string Describe(StackNetwork n) =>
            $"{(n.External ? string.Empty : n.Key)} {n.Name} external={n.External} {n.Create?.Driver} attachable={n.Create?.Attachable} internal={n.Create?.Internal} opts={Pairs(n.Create?.Options)} labels={Pairs(n.Create?.Labels)}";

        private static string Pairs(IDictionary<string, string>? pairs) => pairs == null ? string.Empty : string.Join(",", pairs.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Key + "=" + p.Value));

        // As the engine answers: attachments name the network by id; the networks carry the stack's label and the engine's vxlan option.
        private static StackExport Write(StackDefinition definition, string stack, bool keepDigest = false)
        {
            var networks = definition.Networks.Select(n => n.External
                ? new StackNetworkFacts("id-" + n.Name, n.Name, "overlay", true, false, new Dictionary<string, string>(), new Dictionary<string, string>())
                : new StackNetworkFacts("id-" + n.Name, n.Name, n.Create!.Driver, n.Create.Attachable, n.Create.Internal,
                    new Dictionary<string, string>(n.Create.Options ?? new Dictionary<string, string>()) { ["com.docker.network.driver.overlay.vxlanid_list"] = "4097" },
                    new Dictionary<string, string>(n.Create.Labels))).ToList();
            var specs = definition.Services.Select(s =>
            {
                ServiceSpec spec = s.Spec;
                foreach (NetworkAttachmentConfig attachment in spec.TaskTemplate.Networks ?? new List<NetworkAttachmentConfig>())
                {
                    attachment.Target = "id-" + attachment.Target;
                }

                return spec;
            }).ToList();
            try
            {
                return StackWriter.Write(specs, stack, networks, Array.Empty<StackObjectFacts>(), keepDigest, "test");
            }
            finally
            {
                foreach (NetworkAttachmentConfig attachment in specs.SelectMany(s => s.TaskTemplate.Networks ?? new List<NetworkAttachmentConfig>()))
                {
                    attachment.Target = attachment.Target!.Substring(3);
                }
            }
        }

        private static StackDefinition RoundTrip(StackDefinition definition, string stack, out string yaml)
        {
            yaml = Write(definition, stack, keepDigest: true).Yaml;
            return Map(stack, yaml);
        }

        private static StackDefinition Map(string stack, string text)
        {
            using var dir = new TemporaryDirectory();
            File.WriteAllText(Path.Combine(dir.Path, "web.env"), "FROM_FILE=1\nMODE=ignored\n");
            File.WriteAllText(Path.Combine(dir.Path, "compose.yml"), text);
            return StackMapper.Map(stack, ComposeReader.Load(new[] { Path.Combine(dir.Path, "compose.yml") }, new Dictionary<string, string>(), null));
        }
    }
}
