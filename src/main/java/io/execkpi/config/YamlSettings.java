package io.execkpi.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

import jakarta.validation.Validation;
import jakarta.validation.ValidatorFactory;

import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.BindHandler;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.DataObjectPropertyName;
import org.springframework.boot.context.properties.bind.UnboundConfigurationPropertiesException;
import org.springframework.boot.context.properties.bind.handler.NoUnboundElementsBindHandler;
import org.springframework.boot.context.properties.bind.validation.BindValidationException;
import org.springframework.boot.context.properties.bind.validation.ValidationBindHandler;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.boot.origin.Origin;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.Resource;
import org.springframework.validation.FieldError;
import org.springframework.validation.ObjectError;
import org.springframework.validation.beanvalidation.SpringValidatorAdapter;

/**
 * A settings file of its own ({@code jobs/ml.yml}, {@code jobs/experiments.yml}) bound as an
 * {@code @ConfigurationProperties} class is: Spring Boot's {@link Binder} over the YAML file alone (not the
 * application's environment), Bean Validation through {@link ValidationBindHandler}, and
 * {@link NoUnboundElementsBindHandler} so that an unknown key is an error.
 */
public final class YamlSettings {

    private static final class Validators {
        static final ValidatorFactory FACTORY = Validation.buildDefaultValidatorFactory();
    }

    private YamlSettings() {
    }

    /**
     * Reads, binds and checks a settings file.
     *
     * @param resource  the YAML file (kebab-case keys)
     * @param fileName  the name the messages start with, e.g. {@code ml.yml}
     * @param type      the settings class (a record bound through its constructor)
     * @param keys      rewrites the file's flattened property source before binding (e.g. to put map keys in
     *                  brackets), or {@link UnaryOperator#identity()}
     * @return the bound settings
     * @throws IllegalStateException when a value breaks a constraint, is of the wrong type, or a key is unknown; the
     *                               message names each key with its value and origin, e.g. {@code ml.yml: xgboost.eta
     *                               must be in (0, 1] (value 0, class path resource [jobs/ml.yml] - 14:8)}
     * @throws UncheckedIOException  when the file cannot be read
     */
    public static <T> T bind(Resource resource, String fileName, Class<T> type, UnaryOperator<PropertySource<?>> keys) {
        List<PropertySource<?>> sources;
        try {
            sources = new YamlPropertySourceLoader().load(fileName, resource);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read settings " + resource, e);
        }
        Binder binder = new Binder(ConfigurationPropertySources.from(sources.stream().map(keys).toList()));
        try {
            return binder.bindOrCreate(ConfigurationPropertyName.EMPTY, Bindable.of(type),
                    new ValidationBindHandler(new NoUnboundElementsBindHandler(BindHandler.DEFAULT),
                            new SpringValidatorAdapter(Validators.FACTORY.getValidator())));
        } catch (BindException e) {
            throw new IllegalStateException(fileName + ": " + problems(e), e);
        }
    }

    /** One phrase per bad key: "key must … (value v, origin)". */
    private static String problems(BindException e) {
        List<String> problems = new ArrayList<>();
        if (e.getCause() instanceof BindValidationException invalid) {
            ConfigurationPropertyName base = invalid.getValidationErrors().getName();
            for (ObjectError error : invalid.getValidationErrors()) {
                if (error instanceof FieldError field) {
                    String key = (base.isEmpty() ? "" : base + ".") + dashed(field.getField());
                    problems.add(key + " " + error.getDefaultMessage() + " (value " + field.getRejectedValue()
                            + (Origin.from(error) != null ? ", " + Origin.from(error) : "") + ")");
                } else {
                    problems.add(error.getDefaultMessage());
                }
            }
        } else if (e.getCause() instanceof UnboundConfigurationPropertiesException unknown) {
            problems.add("unknown setting " + unknown.getUnboundProperties().stream()
                    .map(p -> p.getName() + " (" + p.getOrigin() + ")").collect(Collectors.joining(", ")));
        } else if (e.getProperty() != null) {
            problems.add(e.getProperty().getName() + " must be of type " + e.getTarget().getType().toClass().getSimpleName()
                    + " (value " + e.getProperty().getValue() + ", " + e.getProperty().getOrigin() + ")");
        } else {
            problems.add(e.getName() + ": " + e.getMessage());
        }
        return String.join("; ", problems);
    }

    /** A Bean Validation path such as {@code experiments[x].cuped.windowDays} in the file's kebab-case. */
    private static String dashed(String path) {
        return Arrays.stream(path.split("\\.")).map(DataObjectPropertyName::toDashedForm)
                .collect(Collectors.joining("."));
    }
}
