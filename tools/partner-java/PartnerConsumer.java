// A partner in Java, as docs/partners.md shows one: the plain Kafka client, the partner's
// own SCRAM user, its own topic and a group under its prefix. Run as a single source file
// (java -cp <kafka-clients and its dependencies> PartnerConsumer.java <count>), with
// KAFKA_BOOTSTRAP, KAFKA_USERNAME, KAFKA_PASSWORD, KAFKA_TOPIC, KAFKA_GROUP and
// KAFKA_SECURITY_PROTOCOL in the environment. Prints one JSON line per record (its
// CloudEvents id, dataschema, type, key and value) and exits 0 when <count> arrived,
// 2 when the broker refused or they did not arrive within 30 s.
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;

public class PartnerConsumer {
    public static void main(String[] args) throws Exception {
        int count = Integer.parseInt(args[0]);
        Map<String, String> env = System.getenv();
        Properties props = new Properties();
        props.put("bootstrap.servers", env.get("KAFKA_BOOTSTRAP"));
        props.put("group.id", env.get("KAFKA_GROUP"));
        props.put("auto.offset.reset", "earliest");
        props.put("enable.auto.commit", "false");
        props.put("security.protocol", env.get("KAFKA_SECURITY_PROTOCOL"));
        props.put("sasl.mechanism", "SCRAM-SHA-512");
        props.put("sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule"
                + " required username=\"" + env.get("KAFKA_USERNAME") + "\" password=\""
                + env.get("KAFKA_PASSWORD") + "\";");
        props.put("key.deserializer", StringDeserializer.class.getName());
        props.put("value.deserializer", StringDeserializer.class.getName());
        ObjectMapper json = new ObjectMapper();
        int seen = 0;
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
            consumer.subscribe(List.of(env.get("KAFKA_TOPIC")));
            while (seen < count && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
                    Map<String, Object> line = new LinkedHashMap<>();
                    line.put("id", header(record, "ce_id"));
                    line.put("type", header(record, "ce_type"));
                    line.put("dataschema", header(record, "ce_dataschema"));
                    line.put("key", record.key());
                    line.put("value", record.value());
                    System.out.println(json.writeValueAsString(line));
                    seen++;
                }
            }
        } catch (KafkaException refused) {
            System.err.println("refused: " + refused);
            System.exit(2);
        }
        System.exit(seen >= count ? 0 : 2);
    }

    private static String header(ConsumerRecord<String, String> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
